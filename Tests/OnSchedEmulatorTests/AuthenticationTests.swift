import Foundation
import Testing
@testable import OnSchedEmulator

/// `/connect/token` and the bearer check of the Setup API.
@Suite struct AuthenticationTests {
    @Test func tokenFlow() throws {
        let emulator = try TestEmulator()
        let response = try emulator.client().request("POST", "/connect/token",
            headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: "client_id=sbox-abc&client_secret=x%26y&grant_type=client_credentials&scope=OnSchedApi")
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json")
        let token = try #require(response.object["access_token"] as? String)
        #expect(token.count >= 32)
        #expect(response.object["token_type"] as? String == "Bearer")
        #expect(response.object["expires_in"] as? Int == 3600)
        #expect(try emulator.call("GET", "/setup/v1/resources", token: token).status == 200)
        #expect(try emulator.token() != token)
    }

    @Test(arguments: [("nobody", "x"), ("sbox-abc", ""), ("", "")])
    func badCredentialsAre400InvalidClient(_ id: String, _ secret: String) throws {
        let emulator = try TestEmulator()
        let response = try emulator.client().request("POST", "/connect/token",
            headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: "client_id=\(id)&client_secret=\(secret)&grant_type=client_credentials")
        #expect(response.status == 400)
        #expect(response.object["error"] as? String == "invalid_client")
    }

    @Test func basicAuthenticationCarriesCredentialsToo() throws {
        let emulator = try TestEmulator()
        let basic = Data("sbox-basic:pw".utf8).base64EncodedString()
        let response = try emulator.client().request("POST", "/connect/token",
            headers: ["Content-Type": "application/x-www-form-urlencoded", "Authorization": "Basic \(basic)"],
            body: "grant_type=client_credentials")
        #expect(response.status == 200)
        #expect(response.object["access_token"] is String)
    }

    @Test func wrongGrantTypeIs400() throws {
        let emulator = try TestEmulator()
        let response = try emulator.client().request("POST", "/connect/token",
            headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: "client_id=sbox-a&client_secret=b&grant_type=password")
        #expect(response.status == 400)
        #expect(response.object["error"] as? String == "unsupported_grant_type")
    }

    @Test func configuredCredentialsMustMatch() throws {
        let emulator = try TestEmulator(EmulatorConfiguration(clientId: "mine", clientSecret: "pw"))
        #expect(throws: (any Error).self) { _ = try emulator.token(clientId: "sbox-other", secret: "pw") }
        #expect(throws: (any Error).self) { _ = try emulator.token(clientId: "mine", secret: "wrong") }
        #expect(try !emulator.token(clientId: "mine", secret: "pw").isEmpty)
    }

    @Test func missingOrWrongTokenIs401() throws {
        let emulator = try TestEmulator()
        let none = try emulator.client().request("GET", "/setup/v1/resources")
        #expect(none.status == 401)
        #expect(none.object["error"] != nil)
        #expect(try emulator.call("GET", "/setup/v1/resources", token: "made-up").status == 401)
        #expect(try emulator.call("POST", "/setup/v1/resources/bulk", body: bulkBody(1), token: "made-up").status == 401)
    }

    @Test func expiredTokenIs401() throws {
        let emulator = try TestEmulator(EmulatorConfiguration(tokenLifetime: 0))
        let token = try emulator.token()
        #expect(try emulator.call("GET", "/setup/v1/resources", token: token).status == 401)
    }

    @Test func adminEndpointsNeedNoToken() throws {
        let emulator = try TestEmulator()
        #expect(try emulator.admin("GET", "/emulator/stats").status == 200)
        #expect(try emulator.admin("GET", "/emulator/resources").status == 200)
    }
}
