/**
 * Headers our gateways add to every answer. The load generator reads them: the reason tells a
 * rejected client *why* (a TLS 1.3 client otherwise only sees an HTTP status), the replica says
 * who answered (stale-replica drills attribute failures per replica).
 */
export const REASON_HEADER = 'x-mtls-chaos-reason';
export const REPLICA_HEADER = 'x-mtls-chaos-replica';
