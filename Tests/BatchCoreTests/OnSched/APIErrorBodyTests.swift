import Foundation
import Testing
@testable import BatchCore
@testable import BatchModel
@testable import BatchWire

@Suite struct APIErrorBodyTests {
    private func message(_ body: String, _ status: Int = 400) -> String {
        APIErrorBody.message(from: Data(body.utf8), status: status)
    }

    @Test func errorString() {
        #expect(message(#"{"error":"Resource not found"}"#, 404) == "Resource not found")
    }

    @Test func oauthErrorWithDescription() {
        #expect(message(#"{"error":"invalid_client","error_description":"Client authentication failed"}"#)
            == "invalid_client: Client authentication failed")
    }

    @Test func nestedErrorObject() {
        #expect(message(#"{"error":{"code":"E12","message":"Name is too long"}}"#) == "Name is too long")
    }

    @Test func messageInAnyCase() {
        #expect(message(#"{"message":"Invalid location"}"#) == "Invalid location")
        #expect(message(#"{"Message":"An error has occurred."}"#, 500) == "An error has occurred.")
    }

    @Test func aspNetModelState() {
        #expect(message(#"{"Message":"The request is invalid.","ModelState":{"resource.Email":["Required."]}}"#)
            == "The request is invalid. (resource.Email: Required.)")
    }

    @Test func fieldMapWithSortedKeys() {
        #expect(message(#"{"Name":["The Name field is required."],"Email":["The Email field is required."]}"#)
            == "Email: The Email field is required.; Name: The Name field is required.")
        #expect(message(#"{"Email":["Required.","Not an e-mail address."]}"#) == "Email: Required. Not an e-mail address.")
        #expect(message(#"{"Email":"Required."}"#) == "Email: Required.")
    }

    @Test func problemDetails() {
        let body = #"{"type":"https://tools.ietf.org/html/rfc7231#section-6.5.1","title":"One or more validation errors occurred.","status":400,"traceId":"|a.b","errors":{"Name":["Required."],"Email":["Invalid."]}}"#
        #expect(message(body) == "One or more validation errors occurred. (Email: Invalid.; Name: Required.)")
        #expect(message(#"{"title":"Not Found","detail":"No resource 12"}"#, 404) == "Not Found: No resource 12")
    }

    @Test func jsonStringAndArray() {
        #expect(message(#""Something broke""#, 500) == "Something broke")
        #expect(message(#"["First problem", {"message":"Second"}]"#) == "First problem; Second")
    }

    @Test func htmlUsesTheTitleOrTheText() {
        let nginx = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
        #expect(message(nginx, 502) == "502 Bad Gateway")
        #expect(message("<html><body><h1>Oops</h1>\n\n  <p>try   again</p><script>var x=1;</script></body></html>", 500) == "Oops try again")
    }

    @Test func textIsTrimmedCollapsedAndCut() {
        #expect(message("  upstream \n\t connect   error  ", 503) == "upstream connect error")
        let long = message(String(repeating: "word ", count: 200), 500)
        #expect(long.count <= 301)
        #expect(long.hasSuffix("…"))
    }

    @Test func emptyOrMeaninglessBodiesGiveTheStatusLine() {
        #expect(APIErrorBody.message(from: Data(), status: 502) == "HTTP 502 Bad Gateway")
        #expect(message("   \n ", 503) == "HTTP 503 Service Unavailable")
        #expect(message("{}", 500) == "HTTP 500 Internal Server Error")
        #expect(message("null", 404) == "HTTP 404 Not Found")
        #expect(message(#"{"error":null}"#, 400) == "HTTP 400 Bad Request")
        #expect(message("[]", 599) == "HTTP 599")
    }

    @Test func unknownObjectsAreListed() {
        #expect(message(#"{"code":12,"reason":"quota"}"#) == "code: 12; reason: quota")
    }

    @Test func invalidUTF8AndControlCharactersAreCleaned() {
        let bytes: [UInt8] = [0xFF, 0xFE, 0x41, 0x00, 0x42, 0x1B, 0x5B, 0x33, 0x31, 0x6D, 0x43]
        let text = APIErrorBody.message(from: Data(bytes), status: 500)
        #expect(!text.contains("\u{0}"))
        #expect(!text.contains("\u{1B}"))
        #expect(text.contains("A B"))
    }

    @Test func deeplyNestedJSONDoesNotCrash() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        _ = message(deep, 500)
        let deepObject = String(repeating: #"{"error":"#, count: 2_000) + "1" + String(repeating: "}", count: 2_000)
        _ = message(deepObject, 500)
    }

    @Test func randomBytesNeverCrash() {
        let random = RandomSource.seeded(2024)
        let alphabet = Array(#"{}[]":,\ aeE0-9.tnrulf<>/"#.utf8) + [0xC3, 0xA9, 0xFF, 0x00, 0x0A]
        for _ in 0..<3_000 {
            let length = Int(random.unit() * 64)
            let bytes = (0..<length).map { _ -> UInt8 in
                random.unit() < 0.7 ? alphabet[Int(random.unit() * Double(alphabet.count))] : UInt8(random.unit() * 256)
            }
            let status = 400 + Int(random.unit() * 200)
            let text = APIErrorBody.message(from: Data(bytes), status: status)
            #expect(!text.isEmpty)
            #expect(text.count <= 1_001)
        }
    }
}
