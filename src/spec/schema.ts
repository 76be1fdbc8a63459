/**
 * The one description of the rollout-repo format. Validation, the TypeScript
 * types and the published JSON Schema (schema/*.json) all come from here.
 * Values stay as the user wrote them (durations as "30s"); `normalise.ts`
 * turns a valid spec into the numbers the planner and engine use.
 */
import { z } from 'zod';
import { ADDRESS_WORDS, addressProblem } from './addresses.js';
import { COUNT_BOUNDS, DURATION_BOUNDS, LENGTH_BOUNDS } from './bounds.js';
import { describeBounds } from './duration.js';
import { ADDRESS, HAPROXY_NAME, LB_SOCKET, PROXY_JUMP, SSH_USER } from './names.js';
import { name, orderedName, duration, quantity, Quantity, PackageName, PackageVersion, text } from './schema-values.js';
import type { AnalysisMetric } from './schema-analysis.js';
import { Analysis } from './schema-analysis.js';
import { HostSteps, RunSteps } from './schema-steps.js';
import { Approvals, FreezeWindow, Notification, SYNC_POLICIES } from './schema-policies.js';

export * from './schema-analysis.js';
export * from './schema-steps.js';
export * from './schema-policies.js';
export { duration, Quantity } from './schema-values.js';

// ---------------------------------------------------------------- inventory

const sshUser = z.string().regex(SSH_USER, 'a user name such as "root" or "deploy"');
const sshPort = z.number().int().min(1).max(65535);
const identityFile = z.string().min(1).meta({
  description: 'Private key; relative to the rollout repo, ~ expands. Without it, ssh-agent (SSH_AUTH_SOCK) is used.',
});
const become = z.enum(['none', 'sudo']).meta({ description: 'sudo: a non-root user with passwordless sudo' });
const proxyJump = z
  .string()
  .regex(PROXY_JUMP, 'jump hosts as [user@]HOST[:PORT], several separated by commas, or none')
  .meta({ description: 'As OpenSSH ProxyJump: [user@]HOST[:PORT][,…] (outermost first), or none' });
const connectTimeout = duration(DURATION_BOUNDS['ssh.connectTimeout']);

export const SshOptions = z
  .strictObject({
    user: sshUser.default('root'),
    port: sshPort.default(22),
    identityFile: identityFile.optional(),
    proxyJump: proxyJump.optional(),
    knownHosts: z.string().min(1).default('~/.ssh/known_hosts').meta({
      description: 'Host keys are verified against this file; relative to the rollout repo, ~ expands.',
    }),
    hostKeyPolicy: z.enum(['strict', 'accept-new']).default('strict').meta({
      description: 'strict: unknown or changed key is refused. accept-new: an unknown key is pinned on first use.',
    }),
    become: become.default('none'),
    connectTimeout: connectTimeout.default('10s'),
    commandTimeout: duration(DURATION_BOUNDS['ssh.commandTimeout']).default('10m'),
    keepaliveInterval: duration(DURATION_BOUNDS['ssh.keepaliveInterval']).default('5s'),
    maxHandshakes: z
      .number({ error: 'a whole number of handshakes from 1 to 100' })
      .int('a whole number of handshakes from 1 to 100')
      .min(1, 'a whole number of handshakes from 1 to 100')
      .max(100, 'a whole number of handshakes from 1 to 100')
      .default(10)
      .meta({
        description:
          'SSH handshakes in progress at once (connections already open are not counted): a burst of hundreds makes sshd (MaxStartups) and jump hosts reset connections',
      }),
  })
  .meta({ description: 'How Lieutenant reaches every host of the inventory over SSH' });

/** What a group or a host may set for itself: it wins over the group's, the environment's and ~/.ssh/config. */
export const SshOverrides = z
  .strictObject({
    user: sshUser.optional(),
    port: sshPort.optional(),
    identityFile: identityFile.optional(),
    become: become.optional(),
    proxyJump: proxyJump.optional(),
    connectTimeout: connectTimeout.optional(),
  })
  .meta({ description: "This group's or host's own SSH settings, over the environment's ssh block" });

export const HaproxyLoadBalancer = z.strictObject({
  type: z.literal('haproxy'),
  socket: z
    .string()
    .regex(LB_SOCKET, 'an absolute unix socket path, ssh://[USER@]HOST[:PORT]/PATH or tcp://HOST:PORT')
    .meta({
      description:
        'HAProxy runtime API: a unix socket path on this machine, ssh://[USER@]HOST[:PORT]/PATH (the socket on the ' +
        'load balancer host, reached over SSH), or tcp://HOST:PORT',
    }),
  backend: z.string().regex(HAPROXY_NAME, 'an HAProxy backend name'),
  maxConnections: z
    .number({ error: 'a whole number of connections from 1 to 50' })
    .int('a whole number of connections from 1 to 50')
    .min(1, 'a whole number of connections from 1 to 50')
    .max(50, 'a whole number of connections from 1 to 50')
    .default(3)
    .meta({
      description:
        'Runtime-API connections Lieutenant opens at once to this socket, shared by every host of a run. ' +
        'HAProxy serves 10 per "stats socket" line without "maxconn": keep this below its limit, ' +
        'leaving room for other clients',
    }),
});

export const LoadBalancer = HaproxyLoadBalancer;

export const HttpCheck = z.strictObject({
  url: z
    .string()
    .regex(/^https?:\/\/\S+$/, 'an http:// or https:// URL; templates such as {{host.address}} are allowed')
    .max(LENGTH_BOUNDS.url, `a URL of at most ${LENGTH_BOUNDS.url} characters`)
    .meta({ description: 'May use {{host.address}}, {{host.name}}, {{packages.NAME}}' }),
  status: z.number().int().min(100).max(599).default(200),
  bodyContains: text.optional(),
  timeout: duration(DURATION_BOUNDS['http.timeout']).default('5s'),
});

export const TcpCheck = z.strictObject({
  port: z.number().int().min(1).max(65535),
  timeout: duration(DURATION_BOUNDS['tcp.timeout']).default('5s'),
});

export const CommandCheck = z.strictObject({
  argv: z
    .array(text.min(1))
    .min(1)
    .max(LENGTH_BOUNDS.argv)
    .meta({ description: 'Program and arguments run over SSH on the host; each is quoted, templates allowed' }),
  exitCode: z.number().int().min(0).max(255).default(0),
  stdoutContains: text.optional(),
  timeout: duration(DURATION_BOUNDS['command.timeout']).default('30s'),
});

/** Each check is a map with exactly one key naming its kind: `- http: {...}`. */
export const HealthCheck = z
  .strictObject({ http: HttpCheck.optional(), tcp: TcpCheck.optional(), command: CommandCheck.optional() })
  .refine((check) => Object.values(check).filter((value) => value !== undefined).length === 1, {
    error: 'a health check has exactly one of: http, tcp, command',
  })
  .meta({ description: 'One check: http, tcp or command' });

export const Host = z.strictObject({
  address: z
    .string({ error: ADDRESS_WORDS })
    .max(LENGTH_BOUNDS.address, { error: `an address of at most ${LENGTH_BOUNDS.address} characters`, abort: true })
    .regex(ADDRESS, { error: ADDRESS_WORDS, abort: true })
    .refine((address) => addressProblem(address) === undefined, {
      error: (issue) => `${ADDRESS_WORDS} (this is ${addressProblem(String(issue.input))})`,
    })
    .meta({ description: 'IPv4, IPv6 (::1 or [::1]) or a DNS name; SSH and the checks dial it without [ ]' }),
  lbServer: z
    .string()
    .regex(HAPROXY_NAME, 'an HAProxy server name')
    .optional()
    .meta({ description: 'The server name in the load balancer; defaults to the host name' }),
  ssh: SshOverrides.optional(),
});

export const PackageManagerName = z.enum(['apt', 'dnf', 'yum', 'zypper']);

export const Group = z.strictObject({
  packageManager: PackageManagerName,
  loadBalancer: z
    .union([name('load balancer'), z.array(name('load balancer')).min(1)])
    .optional()
    .meta({ description: 'One load balancer or a list; the host is drained on every one' }),
  hosts: z.record(orderedName('host'), Host),
  health: z.array(HealthCheck).default([]),
  ssh: SshOverrides.optional(),
});

export const Inventory = z
  .strictObject({
    $schema: z.string().optional(),
    environment: name('environment'),
    ssh: SshOptions.default(SshOptions.parse({})),
    loadBalancers: z.record(name('load balancer'), LoadBalancer).default({}),
    groups: z.record(orderedName('group'), Group),
    freeze: z
      .array(FreezeWindow)
      .default([])
      .meta({ description: 'Windows in which run, resume, revert --run and watch start no rollout' }),
    sync: z
      .enum(SYNC_POLICIES)
      .default('automatic')
      .meta({
        description:
          'automatic: watch runs a new commit at once. manual: watch records it as pending and notifies; ' +
          '`lieutenant sync ENV` applies it',
      }),
    notifications: z
      .array(Notification)
      .max(COUNT_BOUNDS.notifications[1], `at most ${COUNT_BOUNDS.notifications[1]} webhooks`)
      .default([]),
    approvals: Approvals.default(Approvals.parse({})),
  })
  .meta({
    title: 'Lieutenant inventory',
    description: 'inventories/<environment>.yaml: hosts, groups, SSH, load balancers, health checks',
  });

// ----------------------------------------------------------------- playbook

export const Target = z.strictObject({
  packages: z.record(PackageName, PackageVersion).refine((packages) => Object.keys(packages).length > 0, {
    error: 'at least one package, as NAME: "VERSION"; a target without packages changes nothing',
  }),
  steps: HostSteps.optional(),
});

export const Strategy = z.strictObject({
  batches: z
    .union([
      Quantity,
      z
        .array(Quantity)
        .min(COUNT_BOUNDS.batchList[0], 'at least one batch size')
        .max(COUNT_BOUNDS.batchList[1], `at most ${COUNT_BOUNDS.batchList[1]} batch sizes`),
    ])
    .default(['100%'])
    .meta({ description: 'Batch sizes in order; the last one repeats until every host is done' }),
  concurrency: z
    .number()
    .int()
    .min(COUNT_BOUNDS.concurrency[0])
    .max(COUNT_BOUNDS.concurrency[1])
    .default(1)
    .meta({ description: 'Hosts worked on at once inside a batch' }),
  maxUnavailable: quantity(COUNT_BOUNDS.maxUnavailable).default(1).meta({
    description: 'Hard cap on hosts of a group out of rotation at any moment, across the whole rollout',
  }),
  pause: z
    .union([z.enum(['approve', 'none']), duration(DURATION_BOUNDS['strategy.pause'])], {
      // The words (approve, none) are prepended from the schema itself: issue-messages.ts.
      error: `a duration ${describeBounds(DURATION_BOUNDS['strategy.pause'])}, such as "30s"`,
    })
    .default('none'),
  onFailure: z.enum(['rollback', 'halt']).default('rollback'),
});

export const HealthPolicy = z.strictObject({
  interval: duration(DURATION_BOUNDS['health.interval']).default('1s'),
  timeout: duration(DURATION_BOUNDS['health.timeout']).default('60s'),
  successThreshold: z
    .number()
    .int()
    .min(COUNT_BOUNDS.successThreshold[0])
    .max(COUNT_BOUNDS.successThreshold[1])
    .default(1),
});

export const DrainPolicy = z.strictObject({
  timeout: duration(DURATION_BOUNDS['drain.timeout'])
    .default('30s')
    .meta({ description: 'Wait for current sessions to reach 0 (0s to 24h; 0s: at once), then maint' }),
});

export const Playbook = z
  .strictObject({
    $schema: z.string().optional(),
    rollout: name('rollout'),
    inventory: name('inventory').meta({ description: 'The environment: inventories/<inventory>.yaml' }),
    description: text.optional(),
    targets: z.record(orderedName('group'), Target).refine((targets) => Object.keys(targets).length > 0, {
      error:
        'at least one group, as GROUP: { packages: { NAME: "VERSION" } }; a playbook without targets changes nothing',
    }),
    strategy: Strategy.default(Strategy.parse({})),
    health: HealthPolicy.default(HealthPolicy.parse({})),
    drain: DrainPolicy.default(DrainPolicy.parse({})),
    analysis: Analysis.optional(),
    steps: RunSteps.optional(),
  })
  .meta({
    title: 'Lieutenant playbook',
    description: 'playbooks/<rollout>.yaml: desired package versions per group, strategy, gates',
  });

export type InventorySpec = z.output<typeof Inventory>;
export type FreezeWindowSpec = z.output<typeof FreezeWindow>;
export type PlaybookSpec = z.output<typeof Playbook>;
export type GroupSpec = z.output<typeof Group>;
export type HostSpec = z.output<typeof Host>;
export type HealthCheckSpec = z.output<typeof HealthCheck>;
export type LoadBalancerSpec = z.output<typeof LoadBalancer>;
export type AnalysisSpec = z.output<typeof Analysis>;
export type AnalysisMetricSpec = z.output<typeof AnalysisMetric>;
export type NotificationSpec = z.output<typeof Notification>;
export type SshSpec = z.output<typeof SshOptions>;
export type SshOverridesSpec = z.output<typeof SshOverrides>;
export type PackageManagerKind = z.output<typeof PackageManagerName>;
