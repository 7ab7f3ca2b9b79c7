#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The few libcurl *easy* functions `CurlTransport` calls, looked up at run time in the libcurl
/// that swift-corelibs-foundation's FoundationNetworking already loads (`libcurl.so.4`).
///
/// Why not URLSession's own use of it: FoundationNetworking drives libcurl's multi interface from
/// DispatchSources and never removes a socket's write source when libcurl stops asking for
/// writability, so every fresh connection busy-polls a core until its answer arrives (measured:
/// ~60 ms of CPU per request at 40 ms of latency). The easy interface waits in libcurl's own
/// `poll`. Looked up with `dlopen` rather than linked, so building needs no curl headers, and the
/// release executable (built without FoundationNetworking) starts without libcurl: there a missing
/// library is an error naming the package, elsewhere `URLSessionTransport` is the fallback.
struct LibCurl: Sendable {
    typealias Handle = OpaquePointer
    /// `size_t (*)(char *, size_t, size_t, void *)`: libcurl's write and header callbacks.
    typealias DataCallback = @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int
    /// `int (*)(void *clientp, char *primary_ip, char *local_ip, int primary_port, int local_port)`:
    /// `CURLOPT_PREREQFUNCTION` (libcurl 7.80 and later), called before every request is sent,
    /// once per attempt (a re-send after a dead reused connection calls it again).
    typealias PrereqCallback = @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<CChar>?, UnsafeMutablePointer<CChar>?,
                                               Int32, Int32) -> Int32

    let easyInit: @convention(c) () -> Handle?
    let easyCleanup: @convention(c) (Handle?) -> Void
    let easyReset: @convention(c) (Handle?) -> Void
    let easyPerform: @convention(c) (Handle?) -> Int32
    let easyStrerror: @convention(c) (Int32) -> UnsafePointer<CChar>?
    let slistAppend: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> OpaquePointer?
    let slistFreeAll: @convention(c) (OpaquePointer?) -> Void
    // `curl_easy_setopt` and `curl_easy_getinfo` are variadic with exactly one argument after the
    // option; on the 64-bit ABIs Swift runs on (SysV x86-64, AAPCS64) a `long`, a pointer and a
    // `curl_off_t` travel in the same integer register as a fixed argument, so one fixed-arity
    // prototype per argument kind calls them correctly.
    private let setoptLong: @convention(c) (Handle?, Int32, Int) -> Int32
    private let setoptPointer: @convention(c) (Handle?, Int32, UnsafeRawPointer?) -> Int32
    private let getinfoPointer: @convention(c) (Handle?, Int32, UnsafeMutableRawPointer?) -> Int32

    /// libcurl, loaded and globally initialised once; nil where it cannot be loaded.
    static let shared: LibCurl? = load()

    private static func load() -> LibCurl? {
        #if os(Linux) && (arch(x86_64) || arch(arm64))
        guard let library = dlopen("libcurl.so.4", RTLD_NOW) ?? dlopen("libcurl.so", RTLD_NOW) else { return nil }
        func symbol<T>(_ name: String, as type: T.Type) -> T? {
            guard let address = dlsym(library, name) else { return nil }
            return unsafeBitCast(address, to: type)
        }
        guard
            let globalInit = symbol("curl_global_init", as: (@convention(c) (Int) -> Int32).self),
            let easyInit = symbol("curl_easy_init", as: (@convention(c) () -> Handle?).self),
            let easyCleanup = symbol("curl_easy_cleanup", as: (@convention(c) (Handle?) -> Void).self),
            let easyReset = symbol("curl_easy_reset", as: (@convention(c) (Handle?) -> Void).self),
            let easyPerform = symbol("curl_easy_perform", as: (@convention(c) (Handle?) -> Int32).self),
            let easyStrerror = symbol("curl_easy_strerror", as: (@convention(c) (Int32) -> UnsafePointer<CChar>?).self),
            let slistAppend = symbol("curl_slist_append", as: (@convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> OpaquePointer?).self),
            let slistFreeAll = symbol("curl_slist_free_all", as: (@convention(c) (OpaquePointer?) -> Void).self),
            let setoptLong = symbol("curl_easy_setopt", as: (@convention(c) (Handle?, Int32, Int) -> Int32).self),
            let setoptPointer = symbol("curl_easy_setopt", as: (@convention(c) (Handle?, Int32, UnsafeRawPointer?) -> Int32).self),
            let getinfoPointer = symbol("curl_easy_getinfo", as: (@convention(c) (Handle?, Int32, UnsafeMutableRawPointer?) -> Int32).self)
        else { return nil }
        // CURL_GLOBAL_DEFAULT (SSL | WIN32). Repeated calls only count up; FoundationNetworking makes one too.
        guard globalInit(3) == 0 else { return nil }
        return LibCurl(
            easyInit: easyInit, easyCleanup: easyCleanup, easyReset: easyReset, easyPerform: easyPerform,
            easyStrerror: easyStrerror, slistAppend: slistAppend, slistFreeAll: slistFreeAll,
            setoptLong: setoptLong, setoptPointer: setoptPointer, getinfoPointer: getinfoPointer)
        #else
        return nil
        #endif
    }

    /// `CURLoption` values used here (curl.h: LONG + n, OBJECTPOINT 10000 + n, FUNCTIONPOINT 20000 + n, OFF_T 30000 + n).
    enum Option: Int32 {
        case writeData = 10001
        case url = 10002
        case errorBuffer = 10010
        case writeFunction = 20011
        case postFields = 10015
        case httpHeader = 10023
        case headerData = 10029
        case customRequest = 10036
        case followLocation = 52
        case proxy = 10004
        case caInfo = 10065
        case freshConnect = 74
        case forbidReuse = 75
        case httpGet = 80
        case noSignal = 99
        case acceptEncoding = 10102
        case timeoutMS = 155
        case connectTimeoutMS = 156
        case headerFunction = 20079
        case postFieldSizeLarge = 30120
        case protocols = 181
        case noProxy = 10177
        case redirectProtocols = 182
        case bufferSize = 98
        case prereqFunction = 20312
        case prereqData = 10313
    }

    /// `CURL_PREREQFUNC_OK` and `CURL_PREREQFUNC_ABORT`: what a prerequest callback answers.
    static let prereqOK: Int32 = 0
    static let prereqAbort: Int32 = 1
    /// `CURLE_OK`: what `curl_easy_setopt` answers for an option it knows.
    static let ok: Int32 = 0

    /// `CURLINFO` values (LONG = 0x200000 + n).
    enum Info: Int32 {
        case responseCode = 0x200002
        case requestSize = 0x20000C
    }

    /// CURLPROTO_HTTP | CURLPROTO_HTTPS.
    static let httpAndHTTPS = 3
    /// CURL_ERROR_SIZE: the error buffer's required length.
    static let errorBufferSize = 256

    @discardableResult
    func set(_ handle: Handle?, _ option: Option, _ value: Int) -> Int32 {
        setoptLong(handle, option.rawValue, value)
    }

    @discardableResult
    func set(_ handle: Handle?, _ option: Option, _ pointer: UnsafeRawPointer?) -> Int32 {
        setoptPointer(handle, option.rawValue, pointer)
    }

    @discardableResult
    func set(_ handle: Handle?, _ option: Option, _ callback: DataCallback) -> Int32 {
        setoptPointer(handle, option.rawValue, unsafeBitCast(callback, to: UnsafeRawPointer.self))
    }

    @discardableResult
    func set(_ handle: Handle?, _ option: Option, _ callback: PrereqCallback) -> Int32 {
        setoptPointer(handle, option.rawValue, unsafeBitCast(callback, to: UnsafeRawPointer.self))
    }

    /// A `long` piece of information about the last transfer; 0 when libcurl has none.
    func info(_ handle: Handle?, _ info: Info) -> Int {
        var value = 0
        _ = withUnsafeMutablePointer(to: &value) { getinfoPointer(handle, info.rawValue, UnsafeMutableRawPointer($0)) }
        return value
    }

    /// libcurl's own one-line description of a `CURLcode`.
    func describe(_ code: Int32) -> String {
        guard let text = easyStrerror(code) else { return "curl error \(code)" }
        return String(cString: text)
    }
}
