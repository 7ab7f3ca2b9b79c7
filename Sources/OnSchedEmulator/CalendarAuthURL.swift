/// Builds the authorization links OnSched hands out for calendar sync, in OnSched's layout
/// (onsched-api.md), with every parameter value percent-encoded.
enum CalendarAuthURL {
    /// Which calendar provider a link is for.
    enum Provider: String, Sendable {
        case google
        case outlook
    }

    /// The link a person opens to let OnSched read `calendarId`'s calendar for resource `resourceId`;
    /// after authorizing they land on `returnUrl`.
    static func make(_ provider: Provider, resourceId: Int, calendarId: String, returnUrl: String) -> String {
        let state = "resourceId=\(resourceId);returnUrl=\(returnUrl)"
        let parameters: [(String, String)]
        let base: String
        switch provider {
        case .google:
            base = "https://accounts.google.com/o/oauth2/auth"
            parameters = [
                ("client_id", "emulator"),
                ("redirect_uri", "https://app.onsched.com/app/GoogleCallback.aspx"),
                ("scope", "https://www.googleapis.com/auth/calendar"),
                ("response_type", "code"),
                ("state", state),
                ("access_type", "offline"),
                ("approval_prompt", "force"),
                ("login_hint", calendarId),
            ]
        case .outlook:
            base = "https://login.microsoftonline.com/common/oauth2/v2.0/authorize"
            parameters = [
                ("client_id", "emulator"),
                ("response_type", "code"),
                ("redirect_uri", "https://app.onsched.com/app/OutlookCallback.aspx"),
                ("scope", "https://graph.microsoft.com/Calendars.ReadWrite offline_access"),
                ("state", state),
                ("login_hint", calendarId),
            ]
        }
        let query = parameters.map { "\($0.0)=\(PercentEncoding.encodeComponent($0.1))" }.joined(separator: "&")
        return base + "?" + query
    }
}
