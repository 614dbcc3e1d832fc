// HAProxy's configuration for the scale layout: one frontend for clients in front of the
// gateways, and one frontend per subgraph in front of its processes, which the gateways call.
// Every backend checks its servers' /readyz (a stopping process answers 503 at once), retries a
// request whose connection failed on another server, and carries WebSockets (the clients'
// subscriptions to the gateways, the gateways' to community).

/** A backend: its processes' ports on 127.0.0.1 and the port of the frontend in front of them. */
export interface ProxiedService {
  name: string;
  frontendPort: number;
  serverPorts: number[];
}

/** How often HAProxy checks each process: a stopping process must keep listening for longer (SHUTDOWN_DELAY_MS). */
export const CHECK_INTERVAL_MS = 400;

/** The text of haproxy.cfg for `services` (the gateways first) and a stats page on `statsPort`. */
export function haproxyConfig(services: ProxiedService[], statsPort: number): string {
  const lines = [
    'global',
    '  maxconn 4000',
    '',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 65s',
    '  timeout server 65s',
    // Upgraded connections (WebSockets) live as long as their peers keep them.
    '  timeout tunnel 1h',
    '  timeout http-keep-alive 60s',
    // A new connection per request on the server side: a process that stops never gets a
    // request on a connection it is closing; clients keep theirs.
    '  option http-server-close',
    // A connection refused or closed without an answer is tried again, on another server.
    '  retries 3',
    '  option redispatch 1',
    '  retry-on conn-failure empty-response',
    '  balance roundrobin',
    '  option httpchk GET /readyz',
    '  http-check expect status 200',
    // Three failed checks take a process out: a process slow to answer under a burst (its
    // database check waits) is not taken out with its peer at once; a stopping process answers
    // 503 at once and keeps listening for longer than three checks.
    '  timeout check 5s',
    `  default-server check inter ${CHECK_INTERVAL_MS} fall 3 rise 1`,
    '',
    'frontend stats',
    `  bind 127.0.0.1:${statsPort}`,
    '  stats enable',
    '  stats uri /stats',
    '',
  ];
  for (const service of services) {
    lines.push(
      `frontend ${service.name}`,
      `  bind ${service.name === 'gateway' ? '0.0.0.0' : '127.0.0.1'}:${service.frontendPort}`,
      `  default_backend ${service.name}-processes`,
      '',
      `backend ${service.name}-processes`,
      ...service.serverPorts.map((port, i) => `  server ${service.name}-${i + 1} 127.0.0.1:${port}`),
      '',
    );
  }
  return lines.join('\n');
}

/** Each server's state (`UP`, `DOWN`, ...) from the stats page's CSV, by `backend/server`. */
export async function serverStates(statsPort: number): Promise<Map<string, string>> {
  const response = await fetch(`http://127.0.0.1:${statsPort}/stats;csv`);
  const [header, ...rows] = (await response.text()).split('\n');
  const columns = (header ?? '').replace(/^# /, '').split(',');
  const [proxy, server, status] = ['pxname', 'svname', 'status'].map((name) => columns.indexOf(name));
  const states = new Map<string, string>();
  for (const row of rows) {
    const fields = row.split(',');
    if (fields.length > status!) states.set(`${fields[proxy!]}/${fields[server!]}`, fields[status!]!);
  }
  return states;
}
