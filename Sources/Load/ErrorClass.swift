/// Why a request did not end in a 2xx or 3xx answer. Transport classes (refused, reset, EOF,
/// timeout) mean no complete answer arrived; status classes mean one did.
public enum ErrorClass: String, CaseIterable, Codable, Sendable {
    /// The connection was refused: nothing listens on the port (yet, or any more).
    case connectionRefused = "connection_refused"
    /// The server reset the connection while a request was in flight.
    case reset
    /// The server closed the connection before the answer was complete.
    case eof
    /// No complete answer before the request's deadline.
    case timeout
    case status4xx = "status_4xx"
    case status5xx = "status_5xx"
    /// Anything else the socket reported, such as a malformed answer.
    case other

}
