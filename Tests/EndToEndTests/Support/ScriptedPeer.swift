import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A small scripted HTTP server for the hostile-API cases of issue 12, run as a real peer in its
/// own process (Python's standard library: `python3` from Debian). The token endpoint answers a
/// token; every other request gets the answer of `mode`. Each request is logged on the peer's
/// standard output as `REQ METHOD PATH`, so a test sees what reached it.
///
/// Without `python3` the test is skipped with a message, except under `CI=true`, where it fails.
final class ScriptedPeer {
    enum Mode: String {
        /// 429 with `Retry-After: 1000000000`.
        case retryAfterForever = "retry-after"
        /// The resource list ignores `offset` and always says `hasMore` (same page again and again).
        case endlessList = "endless-list"
        /// The list says `total: 2` but keeps sending new pages.
        case pastTotal = "past-total"
        /// A 500 whose body is 50 MB.
        case hugeError = "huge-error"
        /// A 302 to the peer's own `/stolen` for every API request (a request there would show
        /// the redirect was followed).
        case redirect = "redirect"
        /// A 307 from the token endpoint to the peer's own `/stolen`.
        case tokenRedirect = "token-redirect"
        /// An empty tenant; every write gets a 400 whose body echoes the bearer token and the
        /// token request's form body (the client secret) with lower-case percent-encoding.
        case echoToken = "echo-token"
        /// The token endpoint answers 401 echoing the form body (the secret), lower-case hex.
        case echoSecret = "echo-secret"
        /// Bulk creates answer 200 with the resources but no ids; look-ups find nothing.
        case noIds = "no-ids"
        /// Every access token is good for two bulk writes; the third write with it gets a 401
        /// (applying nothing). Creates answer with ids; `REQ` lines carry the token's number.
        case tokensWearOut = "tokens-wear-out"
        /// Every bulk write gets a 401, whatever the token (the client was disabled after login).
        case writesUnauthorized = "writes-unauthorized"
    }

    let child: ChildProcess
    let port: UInt16
    var url: String { "http://127.0.0.1:\(port)" }
    var apiArguments: [String] { ["--api-url", url] }

    static let python = "/usr/bin/python3"

    /// Whether the peer can run here; records why not (a failure under CI=true).
    static func available() -> Bool {
        if FileManager.default.isExecutableFile(atPath: python) { return true }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("python3 is missing at \(python): .ci/run installs it (the scripted HTTP peer needs it)")
        } else {
            print("skipped: no \(python) for the scripted HTTP peer (install python3)")
        }
        return false
    }

    init(_ mode: Mode) throws {
        child = try ChildProcess(Self.python, ["-u", "-c", Self.script, mode.rawValue])
        guard let line = child.firstLine(timeout: 30), let port = UInt16(line.trimmingCharacters(in: .whitespaces)) else {
            child.kill(SIGKILL)
            _ = child.wait(timeout: 10)
            throw E2EError("the scripted peer did not print its port: \(String(decoding: child.stdoutSoFar, as: UTF8.self))")
        }
        self.port = port
    }

    deinit { stop() }

    func stop() {
        if !child.isFinished {
            child.kill(SIGKILL)
            _ = child.wait(timeout: 10)
        }
    }

    /// The peer's other output lines starting with `prefix` (the prefix dropped).
    func lines(_ prefix: String) -> [String] {
        String(decoding: child.stdoutSoFar, as: UTF8.self).split(separator: "\n")
            .filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }

    /// The requests that reached the peer so far, `METHOD PATH` each (token requests included).
    var requests: [String] {
        String(decoding: child.stdoutSoFar, as: UTF8.self).split(separator: "\n")
            .filter { $0.hasPrefix("REQ ") }.map { String($0.dropFirst(4)) }
    }

    static let token = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"

    static let script = #"""
import json, re, sys, http.server, socketserver
mode = sys.argv[1]
FORM = [""]
TOKENS = [0]
USES = {}
IDS = [0]
TOKEN = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"

def resource(n):
    return {"id": "r%d" % n, "name": "Person %d" % n, "email": "p%d@example.com" % n, "object": "resource"}

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args):
        pass
    def answer(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path.startswith("/connect/token"):
            FORM[0] = re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), body.decode("ascii", "replace"))
        print("REQ %s %s" % (self.command, self.path), flush=True)
        js = [("Content-Type", "application/json")]
        if self.path.startswith("/stolen"):
            return self.answer(200, b'{"access_token":"stolen","expires_in":3600}', js)
        if mode == "token-redirect" and self.path.startswith("/connect/token"):
            return self.answer(307, b"", [("Location", "http://127.0.0.1:%d/stolen" % self.server.server_address[1])])
        if mode == "echo-secret" and self.path.startswith("/connect/token"):
            return self.answer(401, json.dumps({"error": "invalid_client", "error_description": "unknown client in " + FORM[0]}).encode(), js)
        if self.path.startswith("/connect/token") and mode in ("tokens-wear-out", "writes-unauthorized"):
            TOKENS[0] += 1
            return self.answer(200, json.dumps({"access_token": "tok%d" % TOKENS[0], "expires_in": 3600, "token_type": "Bearer"}).encode(), js)
        if self.path.startswith("/connect/token"):
            return self.answer(200, json.dumps({"access_token": TOKEN, "expires_in": 3600, "token_type": "Bearer"}).encode(), js)
        if mode in ("tokens-wear-out", "writes-unauthorized") and self.command == "GET":
            return self.answer(200, b'{"object":"list","hasMore":false,"count":0,"total":0,"data":[]}', js)
        if mode in ("tokens-wear-out", "writes-unauthorized") and self.command == "POST" and self.path.startswith("/setup/v1/resources/bulk"):
            auth = self.headers.get("Authorization", "")
            USES[auth] = USES.get(auth, 0) + 1
            if mode == "writes-unauthorized" or USES[auth] > 2:
                print("UNAUTHORIZED %s" % auth, flush=True)
                return self.answer(401, b'{"message":"Authorization has been denied for this request."}', js)
            items = json.loads(body.decode("utf-8")).get("resources", [])
            made = []
            for r in items:
                IDS[0] += 1
                made.append({"id": "r%d" % IDS[0], "name": r.get("name"), "email": r.get("email"), "object": "resource"})
                print("CREATED %s" % r.get("email"), flush=True)
            return self.answer(200, json.dumps(made).encode(), js)
        if mode == "retry-after":
            return self.answer(429, b'{"message":"slow down"}', js + [("Retry-After", "1000000000")])
        if mode == "endless-list" and self.path.startswith("/setup/v1/resources?"):
            page = {"object": "list", "hasMore": True, "count": 2, "total": 1000000, "data": [resource(1), resource(2)]}
            return self.answer(200, json.dumps(page).encode(), js)
        if mode == "past-total" and self.path.startswith("/setup/v1/resources?"):
            offset = int(self.path.split("offset=")[1].split("&")[0]) if "offset=" in self.path else 0
            page = {"object": "list", "hasMore": True, "count": 2, "total": 2, "data": [resource(offset + 1), resource(offset + 2)]}
            return self.answer(200, json.dumps(page).encode(), js)
        if mode == "huge-error":
            body = b'{"message":"' + b"x" * (50 * 1024 * 1024) + b'"}'
            return self.answer(500, body, js)
        if mode == "redirect":
            return self.answer(302, b"", [("Location", "http://127.0.0.1:%d/stolen" % self.server.server_address[1])])
        if mode == "no-ids" and self.command == "GET":
            return self.answer(200, b'{"object":"list","hasMore":false,"count":0,"total":0,"data":[]}', js)
        if mode == "no-ids" and self.command == "POST" and self.path.startswith("/setup/v1/resources/bulk"):
            items = json.loads(body.decode("utf-8")).get("resources", [])
            return self.answer(200, json.dumps([{"name": r.get("name"), "email": r.get("email"), "object": "resource"} for r in items]).encode(), js)
        if mode == "echo-token" and self.command == "GET":
            return self.answer(200, b'{"object":"list","hasMore":false,"count":0,"total":0,"data":[]}', js)
        if mode == "echo-token":
            auth = self.headers.get("Authorization", "")
            text = "bad request with " + auth + " after " + FORM[0]
            return self.answer(400, json.dumps({"message": text}).encode(), js)
        return self.answer(404, b'{"message":"no such thing"}', js)
    do_GET = do_POST = do_PUT = do_DELETE = handle_any

class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

server = Server(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""#
}
