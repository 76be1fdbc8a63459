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
import { isTimeZone } from '../core/zoned-time.js';
import { DATE_PATTERN, WEEKLY_PATTERN, dateInstant, weeklyProblem } from './freeze.js';
import { name, orderedName, duration, quantity, Quantity, PackageName, PackageVersion, text } from './schema-values.js';
import type { AnalysisMetric } from './schema-analysis.js';
import { Analysis } from './schema-analysis.js';
import { HostSteps, RunSteps } from './schema-steps.js';

export * from './schema-analysis.js';
export * from './schema-steps.js';
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

const freezeDate = z
  .string({ error: 'a date "2026-12-21" or date and time "2026-12-21 08:00"' })
  .regex(DATE_PATTERN, 'a date "2026-12-21" or date and time "2026-12-21 08:00"');

export const FreezeWindow = z
  .strictObject({
    reason: z.string().min(1, 'why changes stop, shown to whoever is refused'),
    weekly: z
      .string()
      .regex(WEEKLY_PATTERN, 'a weekly window such as "Fri 16:00 - Mon 08:00"')
      .superRefine((text, context) => {
        const problem = weeklyProblem(text);
        if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
      })
      .optional()
      .meta({ description: 'Every week, from a day and time to a day and time: "Fri 16:00 - Mon 08:00"' }),
    from: freezeDate.optional().meta({ description: 'Once, from this date (its start) or date and time' }),
    to: freezeDate.optional().meta({ description: 'Once, until this date (its end) or date and time' }),
    timeZone: z
      .string()
      .refine(isTimeZone, 'an IANA time zone such as "Europe/Berlin" or "UTC"')
      .default('UTC')
      .meta({ description: 'The zone the times are wall-clock times in (daylight saving time followed)' }),
    allowRollback: z
      .boolean()
      .default(true)
      .meta({ description: 'A rollback to the deployed commit (revert --run, re-applying it) may start inside' }),
  })
  .refine((entry) => (entry.weekly !== undefined) !== (entry.from !== undefined || entry.to !== undefined), {
    error: 'a freeze window is either weekly: "Fri 16:00 - Mon 08:00", or from: and to: dates',
  })
  .refine((entry) => entry.weekly !== undefined || (entry.from !== undefined && entry.to !== undefined), {
    error: 'a dated freeze window needs both from: and to:',
  })
  .refine(
    (entry) => {
      if (entry.from === undefined || entry.to === undefined || !isTimeZone(entry.timeZone)) return true;
      const start = dateInstant(entry.from, entry.timeZone, 'start');
      const end = dateInstant(entry.to, entry.timeZone, 'end');
      return start !== undefined && end !== undefined && start < end;
    },
    { error: 'from: must be a real date before to:' },
  )
  .meta({ description: 'A window in which no rollout starts: weekly, or from a date to a date' });
/** What a notification may be sent for; a gate or an analysis is sent once, not once per interval. */
export const NOTIFY_ON = [
  'gate.waiting',
  'analysis.inconclusive',
  'analysis.failed',
  'run.succeeded',
  'run.failed',
  'run.aborted',
  'sync.pending',
] as const;

export const Webhook = z
  .strictObject({
    url: z
      .string()
      .regex(
        /^https?:\/\/[^\s@?#]+$/,
        'an http:// or https:// URL without a query or user; a URL carrying a token belongs in urlEnv or urlFile, not in Git',
      )
      .max(LENGTH_BOUNDS.url, `a URL of at most ${LENGTH_BOUNDS.url} characters`)
      .optional()
      .meta({ description: 'Only for URLs without secrets: the file is in Git' }),
    urlEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name such as LIEUTENANT_SLACK_URL')
      .optional()
      .meta({ description: 'The environment variable holding the URL (read when the run starts)' }),
    urlFile: z
      .string()
      .min(1)
      .max(LENGTH_BOUNDS.text)
      .optional()
      .meta({ description: 'A file holding the URL; relative to the rollout repo, ~ expands' }),
    format: z.enum(['json', 'slack']).default('json'),
    on: z
      .array(z.enum(NOTIFY_ON))
      .min(1, 'at least one event')
      .default([...NOTIFY_ON])
      .meta({ description: 'The events that send a message' }),
  })
  .refine((hook) => [hook.url, hook.urlEnv, hook.urlFile].filter((value) => value !== undefined).length === 1, {
    error: 'a webhook has exactly one of: url, urlEnv, urlFile',
  });

export const Notification = z
  .strictObject({ webhook: Webhook })
  .meta({ description: 'Where people are told when a run needs them or ends' });

/** How `watch` applies a new commit to an environment (Argo CD's automatic and manual sync policies). */
export const SYNC_POLICIES = ['automatic', 'manual'] as const;
export type SyncPolicy = (typeof SYNC_POLICIES)[number];

/**
 * Who may answer the gates of an environment's runs, and how many must
 * approve: checked against each answer's identity (the signer's principal
 * with allowedSignersFile, else the answering clone's git user.email).
 */
export const Approvals = z
  .strictObject({
    required: z
      .number()
      .int('a whole number of approvals')
      .min(COUNT_BOUNDS.approvals[0], `at least ${COUNT_BOUNDS.approvals[0]} approval`)
      .max(COUNT_BOUNDS.approvals[1], `at most ${COUNT_BOUNDS.approvals[1]} approvals`)
      .default(1)
      .meta({ description: 'Distinct approvers each gate needs before the run goes on' }),
    approvers: z
      .array(
        z
          .string()
          .min(1)
          .max(LENGTH_BOUNDS.name * 4, `at most ${LENGTH_BOUNDS.name * 4} characters`),
      )
      .min(COUNT_BOUNDS.approvers[0], 'at least one approver (leave the key out to let anyone approve)')
      .max(COUNT_BOUNDS.approvers[1], `at most ${COUNT_BOUNDS.approvers[1]} approvers`)
      .optional()
      .meta({ description: 'Who may approve or abort: e-mail addresses, or principals of allowedSignersFile' }),
    distinctFromAuthor: z
      .boolean()
      .default(false)
      .meta({ description: 'The author of the commit being rolled out may not approve its gates' }),
    allowedSignersFile: z.string().min(1).max(LENGTH_BOUNDS.text).optional().meta({
      description:
        'A committed file in ssh-keygen allowed-signers format, relative to the rollout repo: every answer must be SSH-signed by one of its keys',
    }),
  })
  .refine((rules) => rules.approvers === undefined || rules.approvers.length >= rules.required, {
    error: 'required: is more than the approvers listed; no gate could ever be approved',
  })
  .meta({ description: 'Who may answer the gates of this environment, and how many must approve' });

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
