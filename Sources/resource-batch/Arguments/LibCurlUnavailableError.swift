/// The API cannot be used because libcurl, loaded at run time, is not on this machine.
///
/// The release executable links no networking library (see `URLSessionTransport`): it opens
/// `libcurl.so.4` when a command needs the API. Where that fails, the command refuses before
/// anything is sent and names the Debian package that provides the library, so an operator on a
/// minimal server knows the one step to take; `validate` and `help` never need it.
struct LibCurlUnavailableError: Error, CustomStringConvertible {
    var description: String {
        "cannot reach the API: libcurl.so.4 could not be loaded, so nothing was sent. "
            + "Install the Debian package libcurl4 (and ca-certificates for TLS): "
            + "apt-get install libcurl4 ca-certificates"
    }
}
