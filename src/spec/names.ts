/**
 * What names and versions may contain. Everything a spec can put into a
 * remote command is limited to characters no shell treats specially, so no
 * spec can inject a command even before quoting (which we also do).
 */

/** Debian policy: lowercase alphanumerics and `+ - .`, at least two characters, starting alphanumeric. */
export const DEBIAN_PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]+$/;
/** RPM allows upper case and `_` too; `-` separates name, version and release. */
export const RPM_PACKAGE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._+-]*$/;
/** Any package manager's name (the union, checked precisely per group later). */
export const PACKAGE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._+-]*$/;

/** Debian: `[epoch:]upstream[-revision]`, upstream starting with a digit. */
export const DEBIAN_VERSION = /^(\d+:)?[0-9][A-Za-z0-9.+~-]*$/;
/** RPM: `[epoch:]version[-release]` of alphanumerics and `. _ + ~ ^`. */
export const RPM_VERSION = /^(\d+:)?[A-Za-z0-9][A-Za-z0-9._+~^-]*$/;
export const PACKAGE_VERSION = /^(\d+:)?[A-Za-z0-9][A-Za-z0-9._+~^-]*$/;

/** Names of environments, rollouts, groups, hosts, load balancers: file-name and DNS friendly. */
export const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** An address: IPv4, IPv6 or a DNS name. */
export const ADDRESS = /^([A-Za-z0-9][A-Za-z0-9.-]*|\[?[0-9A-Fa-f:.]+\]?)$/;
/** A login name, as useradd accepts it. */
export const SSH_USER = /^[a-z_][a-z0-9_.-]*$/;
/** One jump host: `[user@]host[:port]`, the host an IPv6 address in brackets or a name. */
const JUMP_HOST = String.raw`(?:[a-z_][a-z0-9_.-]*@)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*)(?::\d{1,5})?`;
/** OpenSSH's ProxyJump: hops separated by commas, outermost first, or `none`. */
export const PROXY_JUMP = new RegExp(`^(none|${JUMP_HOST}(,${JUMP_HOST})*)$`);
/**
 * A load balancer's runtime API: a unix socket path here, the socket on the
 * load balancer's host over SSH (`ssh://[user@]host[:port]/path`), or TCP.
 */
export const LB_SOCKET = new RegExp(String.raw`^(\/.+|tcp:\/\/[^\s:/]+:\d{1,5}|ssh:\/\/${JUMP_HOST}\/\S+)$`);
/** An HAProxy backend or server name. */
export const HAPROXY_NAME = /^[A-Za-z0-9_.:-]+$/;
