package mmapkit.ipc;

/** What a {@link Heartbeat} says about the process that beats it. */
public enum PeerStatus {
    /** No beat yet: the peer has not started (or not reached its first beat). */
    NOT_STARTED,
    /** It beat within the allowed silence. */
    ALIVE,
    /** Its process exists but has not beaten for longer than allowed: slow, stopped or stuck. */
    SILENT,
    /** Its process no longer exists: it died (or exited) without saying goodbye. */
    GONE
}
