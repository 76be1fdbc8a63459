/**
 * The one description of the rollout-repo format. Validation, the TypeScript
 * types and the published JSON Schema (schema/*.json) all come from here.
 * Values stay as the user wrote them (durations as "30s"); `normalise.ts`
 * turns a valid spec into the numbers the planner and engine use.
 */
import { z } from 'zod';
import { DURATION_PATTERN } from './duration.js';
import { PERCENT_PATTERN } from './quantity.js';
import { ADDRESS, HAPROXY_NAME, NAME, PACKAGE_NAME, PACKAGE_VERSION } from './names.js';

const name = (what: string) =>
  z.string().regex(NAME, `a ${what} name: letters, digits, "-", "_" and ".", starting with a letter or digit`);

export const Duration = z
  .string({ error: 'a duration such as "500ms", "30s" or "5m"' })
  .regex(DURATION_PATTERN, 'a duration such as "500ms", "30s" or "5m"')
  .meta({ description: 'A duration: a whole number and a unit, ms | s | m | h', examples: ['500ms', '30s', '5m'] });

const percent = z.string().regex(PERCENT_PATTERN, 'a share of the group such as "25%" (1% to 100%)');
const count = z.number().int('a whole number of hosts').min(1, 'at least 1 host');
export const Quantity = z
  .union([count, percent], { error: 'a number of hosts (1) or a share of the group ("50%")' })
  .meta({ description: 'A number of hosts, or a share of the group written "N%"' });

const PackageName = z
  .string()
  .regex(PACKAGE_NAME, 'a package name: letters, digits and "+ - . _", starting with a letter or digit');
const PackageVersion = z
  .string({ error: 'a version string; quote it so YAML keeps it as written, e.g. "1.10"' })
  .regex(PACKAGE_VERSION, 'a package version: letters, digits and ". + ~ ^ _ -", an optional "EPOCH:" first');

// ---------------------------------------------------------------- inventory

export const SshOptions = z
  .strictObject({
    user: z
      .string()
      .regex(/^[a-z_][a-z0-9_.-]*$/, 'a user name such as "root" or "deploy"')
      .default('root'),
    port: z.number().int().min(1).max(65535).default(22),
    identityFile: z.string().min(1).optional().meta({
      description:
        'Private key; relative to the rollout repo, ~ expands. Without it, ssh-agent (SSH_AUTH_SOCK) is used.',
    }),
    knownHosts: z.string().min(1).default('~/.ssh/known_hosts').meta({
      description: 'Host keys are verified against this file; relative to the rollout repo, ~ expands.',
    }),
    hostKeyPolicy: z.enum(['strict', 'accept-new']).default('strict').meta({
      description: 'strict: unknown or changed key is refused. accept-new: an unknown key is pinned on first use.',
    }),
    become: z
      .enum(['none', 'sudo'])
      .default('none')
      .meta({ description: 'sudo: a non-root user with passwordless sudo' }),
    connectTimeout: Duration.default('10s'),
    commandTimeout: Duration.default('10m'),
    keepaliveInterval: Duration.default('5s'),
  })
  .meta({ description: 'How Lieutenant reaches every host of the inventory over SSH' });

export const HaproxyLoadBalancer = z.strictObject({
  type: z.literal('haproxy'),
  socket: z
    .string()
    .regex(/^(\/.+|tcp:\/\/[^\s:/]+:\d{1,5})$/, 'an absolute unix socket path or tcp://HOST:PORT')
    .meta({ description: 'HAProxy runtime API: unix socket path, or tcp://HOST:PORT' }),
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
    .meta({ description: 'May use {{host.address}}, {{host.name}}, {{packages.NAME}}' }),
  status: z.number().int().min(100).max(599).default(200),
  bodyContains: z.string().optional(),
  timeout: Duration.default('5s'),
});

export const TcpCheck = z.strictObject({
  port: z.number().int().min(1).max(65535),
  timeout: Duration.default('5s'),
});

export const CommandCheck = z.strictObject({
  argv: z
    .array(z.string().min(1))
    .min(1)
    .meta({ description: 'Program and arguments run over SSH on the host; each is quoted, templates allowed' }),
  exitCode: z.number().int().min(0).max(255).default(0),
  stdoutContains: z.string().optional(),
  timeout: Duration.default('30s'),
});

/** Each check is a map with exactly one key naming its kind: `- http: {...}`. */
export const HealthCheck = z
  .strictObject({ http: HttpCheck.optional(), tcp: TcpCheck.optional(), command: CommandCheck.optional() })
  .refine((check) => Object.values(check).filter((value) => value !== undefined).length === 1, {
    error: 'a health check has exactly one of: http, tcp, command',
  })
  .meta({ description: 'One check: http, tcp or command' });

export const Host = z.strictObject({
  address: z.string().regex(ADDRESS, 'an IP address or DNS name'),
  lbServer: z
    .string()
    .regex(HAPROXY_NAME, 'an HAProxy server name')
    .optional()
    .meta({ description: 'The server name in the load balancer; defaults to the host name' }),
});

export const PackageManagerName = z.enum(['apt', 'dnf', 'yum', 'zypper']);

export const Group = z.strictObject({
  packageManager: PackageManagerName,
  loadBalancer: z
    .union([name('load balancer'), z.array(name('load balancer')).min(1)])
    .optional()
    .meta({ description: 'One load balancer or a list; the host is drained on every one' }),
  hosts: z.record(name('host'), Host),
  health: z.array(HealthCheck).default([]),
});

export const Inventory = z
  .strictObject({
    $schema: z.string().optional(),
    environment: name('environment'),
    ssh: SshOptions.default(SshOptions.parse({})),
    loadBalancers: z.record(name('load balancer'), LoadBalancer).default({}),
    groups: z.record(name('group'), Group),
  })
  .meta({
    title: 'Lieutenant inventory',
    description: 'inventories/<environment>.yaml: hosts, groups, SSH, load balancers, health checks',
  });

// ----------------------------------------------------------------- playbook

export const Target = z.strictObject({
  packages: z.record(PackageName, PackageVersion),
});

export const Strategy = z.strictObject({
  batches: z
    .union([Quantity, z.array(Quantity).min(1, 'at least one batch size')])
    .default(['100%'])
    .meta({ description: 'Batch sizes in order; the last one repeats until every host is done' }),
  concurrency: z.number().int().min(1).default(1).meta({ description: 'Hosts worked on at once inside a batch' }),
  maxUnavailable: Quantity.default(1).meta({
    description: 'Hard cap on hosts of a group out of rotation at any moment, across the whole rollout',
  }),
  pause: z
    .union([z.enum(['approve', 'none']), Duration], { error: 'approve, none, or a duration such as "30s"' })
    .default('none'),
  onFailure: z.enum(['rollback', 'halt']).default('rollback'),
});

export const HealthPolicy = z.strictObject({
  interval: Duration.default('1s'),
  timeout: Duration.default('60s'),
  successThreshold: z.number().int().min(1).default(1),
});

export const DrainPolicy = z.strictObject({
  timeout: Duration.default('30s').meta({ description: 'Wait for current sessions to reach 0, then maint' }),
});

export const Playbook = z
  .strictObject({
    $schema: z.string().optional(),
    rollout: name('rollout'),
    inventory: name('inventory').meta({ description: 'The environment: inventories/<inventory>.yaml' }),
    description: z.string().optional(),
    targets: z.record(name('group'), Target),
    strategy: Strategy.default(Strategy.parse({})),
    health: HealthPolicy.default(HealthPolicy.parse({})),
    drain: DrainPolicy.default(DrainPolicy.parse({})),
  })
  .meta({
    title: 'Lieutenant playbook',
    description: 'playbooks/<rollout>.yaml: desired package versions per group, strategy, gates',
  });

export type InventorySpec = z.output<typeof Inventory>;
export type PlaybookSpec = z.output<typeof Playbook>;
export type GroupSpec = z.output<typeof Group>;
export type HostSpec = z.output<typeof Host>;
export type HealthCheckSpec = z.output<typeof HealthCheck>;
export type LoadBalancerSpec = z.output<typeof LoadBalancer>;
export type SshSpec = z.output<typeof SshOptions>;
export type PackageManagerKind = z.output<typeof PackageManagerName>;
