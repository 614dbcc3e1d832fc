// Ports that browsers and Node's fetch (undici) refuse to connect to, whatever listens there:
// the Fetch standard's "bad port" list (https://fetch.spec.whatwg.org/#port-blocking), with the
// service each is kept for. A server configured on one of them starts, but no client reaches it.

/** Port → the service it is blocked for, as the Fetch standard names it. */
export const BAD_PORTS: ReadonlyMap<number, string> = new Map([
  [1, 'tcpmux'], [7, 'echo'], [9, 'discard'], [11, 'systat'], [13, 'daytime'], [15, 'netstat'],
  [17, 'qotd'], [19, 'chargen'], [20, 'FTP data'], [21, 'FTP'], [22, 'SSH'], [23, 'telnet'], [25, 'SMTP'],
  [37, 'time'], [42, 'name'], [43, 'nicname'], [53, 'DNS'], [69, 'TFTP'], [77, 'private RJE'], [79, 'finger'],
  [87, 'private terminal link'], [95, 'supdup'], [101, 'hostname'], [102, 'ISO-TSAP'], [103, 'gppitnp'], [104, 'ACR-NEMA'],
  [109, 'POP2'], [110, 'POP3'], [111, 'sunrpc'], [113, 'auth'], [115, 'SFTP'], [117, 'UUCP path'], [119, 'NNTP'],
  [123, 'NTP'], [135, 'epmap'], [137, 'NetBIOS name'], [139, 'NetBIOS session'], [143, 'IMAP'], [161, 'SNMP'],
  [179, 'BGP'], [389, 'LDAP'], [427, 'SLP'], [465, 'SMTP submission over TLS'], [512, 'exec'], [513, 'login'],
  [514, 'shell'], [515, 'printer'], [526, 'tempo'], [530, 'courier'], [531, 'chat'], [532, 'netnews'],
  [540, 'UUCP'], [548, 'AFP'], [554, 'RTSP'], [556, 'remotefs'], [563, 'NNTP over TLS'], [587, 'SMTP submission'],
  [601, 'syslog'], [636, 'LDAP over TLS'], [989, 'FTP data over TLS'], [990, 'FTP over TLS'], [993, 'IMAP over TLS'],
  [995, 'POP3 over TLS'], [1719, 'H.323 gatestat'], [1720, 'H.323 hostcall'], [1723, 'PPTP'], [2049, 'NFS'],
  [3659, 'apple-sasl'], [4045, 'npp'], [4190, 'ManageSieve'], [5060, 'SIP'], [5061, 'SIP over TLS'],
  [6000, 'X11'], [6566, 'SANE'], [6665, 'IRC'], [6666, 'IRC'], [6667, 'IRC'], [6668, 'IRC'], [6669, 'IRC'],
  [6679, 'osaut'], [6697, 'IRC over TLS'], [10080, 'Amanda'],
]);

/** Why clients will not connect to `port` ("a port browsers … refuse …; choose another"), or null when they will. */
export function badPortProblem(port: number): string | null {
  const service = BAD_PORTS.get(port);
  return service === undefined ? null : `a port browsers and Node's fetch refuse to connect to (${service}); choose another`;
}

/** The configuration check's message for a bad port ("6000 is a port browsers …"), or null. */
export function badPortReason(port: number): string | null {
  const problem = badPortProblem(port);
  return problem && `${port} is ${problem}`;
}
