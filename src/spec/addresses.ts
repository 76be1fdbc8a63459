/**
 * Host addresses: what is valid beyond the characters the schema allows,
 * the address as it is dialled (IPv6 without brackets), and one spelling per
 * machine so that `::1` and `[::1]`, `WEB.example.com` and `web.example.com.`
 * are found to be the same host.
 */
import { isIPv4, isIPv6 } from 'node:net';

export const ADDRESS_WORDS =
  'an IPv4 address (four numbers 0 to 255), an IPv6 address (::1 or [::1]) or a DNS name (labels of 1 to 63 letters, digits and "-")';

/** Why `address` cannot be dialled, or undefined when it can. */
export function addressProblem(address: string): string | undefined {
  const bare = dialledAddress(address);
  if (address.startsWith('[') !== address.endsWith(']')) return 'an unbalanced "[" or "]"';
  if (address.startsWith('[') && !isIPv6(bare)) return 'not an IPv6 address inside [ ]';
  if (bare.includes(':')) return isIPv6(bare) ? undefined : 'not an IPv6 address';
  if (/^[0-9.]+$/.test(bare)) return isIPv4(bare) ? undefined : 'not an IPv4 address';
  const labels = bare.replace(/\.$/, '').split('.');
  if (labels.some((label) => label.length === 0 || label.length > 63))
    return 'a DNS name with an empty label or one longer than 63 characters';
  if (labels.some((label) => label.startsWith('-') || label.endsWith('-')))
    return 'a DNS name with a label that starts or ends with "-"';
  return undefined;
}

/** The address as SSH, TCP and HTTP checks dial it: `[::1]` → `::1`. */
export function dialledAddress(address: string): string {
  return address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
}

/** One spelling per machine, for finding duplicates: lower case, no trailing dot, IPv6 compressed. */
export function addressKey(address: string): string {
  const bare = dialledAddress(address).toLowerCase();
  if (isIPv6(bare)) return new URL(`http://[${bare}]/`).hostname;
  return bare.replace(/\.$/, '');
}
