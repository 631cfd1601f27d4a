import { MtlsChaosError } from '../errors.js';

/**
 * A lab component could not start, reload or stop. Exit code 2 (a lab that could not start).
 * Codes: E_LAB_START (a component did not become ready), E_LAB_NGINX_MISSING, E_LAB_NGINX_CONFIG
 * (a spec nginx cannot express), E_LAB_HAPROXY_MISSING, E_LAB_HAPROXY_CONFIG (a spec haproxy cannot express), E_LAB_CONFIG (a team's own
 * gateway config, lab.gateway.config, that the lab cannot fill or the gateway's checker refuses), E_LAB_RELOAD, E_LAB_IPC (a component stopped answering),
 * E_LAB_STOPPED (asked something of a stopped component), E_LAB_MITMPROXY_RUNTIME (the mitmproxy
 * interceptor outside the docker runtime).
 */
export class LabError extends MtlsChaosError {}
