
/// Applies `policy` to `verdict` for a calendar id that must be hosted by `expected`.
///
/// - `strict`: a proven wrong host (another provider, hosted elsewhere, no mail, NXDOMAIN) is an
///   error; a failed lookup is a warning, because it proves nothing.
/// - `warn`: everything that is not ok is a warning.
/// - `off`: always ok.
///
/// `subject` names what was checked in the message, e.g. "googleCalendarId x@acme.com"; without
/// it the message starts with the domain.
/// Example: "googleCalendarId x@acme.com is not hosted by Google: acme.com is hosted by Microsoft
/// (MX acme-com.mail.protection.outlook.com)".
public func hostingIssue(for verdict: HostingVerdict, expected: HostingProvider, policy: HostingPolicy,
                         subject: String? = nil) -> HostingCheckOutcome {
    if policy == .off { return .ok }
    let what = subject ?? verdict.domain
    guard let provider = verdict.provider else {
        return .warning("could not check that \(what) is hosted by \(expected.displayName): \(verdict.explanation)")
    }
    if provider == expected { return .ok }
    let message = "\(what) is not hosted by \(expected.displayName): \(verdict.explanation)"
    return policy == .strict ? .error(message) : .warning(message)
}
