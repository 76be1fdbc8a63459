/**
 * A valid playbook joined with its inventory → the `Rollout` the planner and
 * engine read: milliseconds, quantities, absolute paths, lists where the spec
 * allows a shorthand, and only the groups the playbook targets (in its order).
 * Pure: the home directory comes in as a value.
 */
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { parseCondition, type Condition } from '../core/analysis.js';
import { dialledAddress } from './addresses.js';
import { parseDuration } from './duration.js';
import { freezeWindow } from './freeze.js';
import { hostSteps, runSteps } from './normalise-steps.js';
import type {
  AnalysisSettings,
  ApprovalRules,
  GroupTarget,
  HaproxyTarget,
  HealthCheckTarget,
  PausePolicy,
  Rollout,
  SpecSource,
  HostSsh,
  SshOverrides,
  SshSettings,
  WebhookTarget,
} from './model.js';
import { parseQuantity, type Quantity } from './quantity.js';
import type {
  AnalysisSpec,
  HealthCheckSpec,
  InventorySpec,
  LoadBalancerSpec,
  NotificationSpec,
  PlaybookSpec,
  SshOverridesSpec,
  SshSpec,
} from './schema.js';

export interface NormaliseEnvironment {
  /** For `~` in identityFile and knownHosts. */
  homeDir: string;
}

export function normaliseRollout(
  playbook: PlaybookSpec,
  inventory: InventorySpec,
  source: SpecSource,
  environment: NormaliseEnvironment = { homeDir: homedir() },
): Rollout {
  const path = (written: string) => resolvePath(written, source.repoDir, environment.homeDir);
  const { strategy } = playbook;
  return {
    source,
    rollout: playbook.rollout,
    environment: inventory.environment,
    ssh: sshSettings(inventory.ssh, path),
    loadBalancers: Object.fromEntries(
      Object.entries(inventory.loadBalancers).map(([name, spec]) => [name, haproxyTarget(name, spec)]),
    ),
    groups: Object.entries(playbook.targets).flatMap(([name, target]): GroupTarget[] => {
      const group = Object.hasOwn(inventory.groups, name) ? inventory.groups[name] : undefined;
      if (!group) return []; // validation rejects this; nothing to run for a group that does not exist
      return [
        {
          name,
          packageManager: group.packageManager,
          loadBalancers: group.loadBalancer === undefined ? [] : [group.loadBalancer].flat(),
          hosts: Object.entries(group.hosts).map(([hostName, host]) => {
            const ssh = hostSsh(group.ssh, host.ssh, path);
            return {
              name: hostName,
              address: dialledAddress(host.address),
              group: name,
              lbServer: host.lbServer ?? hostName,
              ...(ssh ? { ssh } : {}),
            };
          }),
          checks: group.health.map(healthCheck),
          packages: { ...target.packages },
          steps: hostSteps(target.steps),
        },
      ];
    }),
    strategy: {
      batches: [strategy.batches].flat().map(quantity),
      concurrency: strategy.concurrency,
      maxUnavailable: quantity(strategy.maxUnavailable),
      pause: pausePolicy(strategy.pause),
      onFailure: strategy.onFailure,
    },
    health: {
      intervalMs: ms(playbook.health.interval),
      timeoutMs: ms(playbook.health.timeout),
      successThreshold: playbook.health.successThreshold,
    },
    drain: { timeoutMs: ms(playbook.drain.timeout) },
    freeze: inventory.freeze.map(freezeWindow),
    analysis: playbook.analysis === undefined ? undefined : analysisSettings(playbook.analysis),
    notifications: inventory.notifications.map((notification) => webhookTarget(notification, path)),
    approvals: approvalRules(inventory.approvals),
    runSteps: runSteps(playbook, inventory),
  };
}

function approvalRules(spec: InventorySpec['approvals']): ApprovalRules {
  return {
    required: spec.required,
    ...(spec.approvers ? { approvers: [...spec.approvers] } : {}),
    distinctFromAuthor: spec.distinctFromAuthor,
    ...(spec.allowedSignersFile === undefined ? {} : { allowedSignersFile: spec.allowedSignersFile }),
  };
}

function analysisSettings(spec: AnalysisSpec): AnalysisSettings {
  return {
    intervalMs: ms(spec.interval),
    count: spec.count,
    onInconclusive: spec.onInconclusive,
    metrics: spec.metrics.map((metric) => ({
      name: metric.name,
      source: metric.haproxy
        ? {
            kind: 'haproxy',
            measure: metric.haproxy.measure,
            minRequests: metric.haproxy.minRequests,
            baseline: metric.baseline,
          }
        : {
            kind: 'prometheus',
            url: metric.prometheus?.url ?? '',
            query: metric.prometheus?.query ?? '',
            timeoutMs: ms(metric.prometheus?.timeout ?? '5s'),
          },
      pass: condition(metric.pass),
      fail: metric.fail === undefined ? undefined : condition(metric.fail),
      failureLimit: metric.failureLimit,
      inconclusiveLimit: metric.inconclusiveLimit,
    })),
  };
}

function webhookTarget({ webhook }: NotificationSpec, path: (written: string) => string): WebhookTarget {
  const url: WebhookTarget['url'] =
    webhook.urlEnv !== undefined
      ? { kind: 'env', name: webhook.urlEnv }
      : webhook.urlFile !== undefined
        ? { kind: 'file', path: path(webhook.urlFile) }
        : { kind: 'literal', url: webhook.url ?? '' };
  return { url, format: webhook.format, on: [...webhook.on] };
}

function condition(text: string): Condition {
  const parsed = parseCondition(text);
  if (!parsed) throw new Error(`bug: "${text}" passed validation but is not a condition`);
  return parsed;
}

/** `~` and `~/x` expand to the home directory; anything else relative is relative to the rollout repo. */
export function resolvePath(written: string, repoDir: string, homeDir: string): string {
  if (written === '~') return homeDir;
  if (written.startsWith('~/')) return join(homeDir, written.slice(2));
  return isAbsolute(written) ? written : resolve(repoDir, written);
}

function sshSettings(ssh: SshSpec, path: (written: string) => string): SshSettings {
  return {
    user: ssh.user,
    port: ssh.port,
    identityFile: ssh.identityFile === undefined ? undefined : path(ssh.identityFile),
    knownHosts: path(ssh.knownHosts),
    hostKeyPolicy: ssh.hostKeyPolicy,
    become: ssh.become,
    connectTimeoutMs: ms(ssh.connectTimeout),
    commandTimeoutMs: ms(ssh.commandTimeout),
    keepaliveIntervalMs: ms(ssh.keepaliveInterval),
    maxHandshakes: ssh.maxHandshakes,
    ...(ssh.proxyJump === undefined ? {} : { proxyJump: ssh.proxyJump }),
  };
}

function sshOverrides(spec: SshOverridesSpec, path: (written: string) => string): SshOverrides {
  const settings: SshOverrides = {};
  if (spec.user !== undefined) settings.user = spec.user;
  if (spec.port !== undefined) settings.port = spec.port;
  if (spec.identityFile !== undefined) settings.identityFile = path(spec.identityFile);
  if (spec.become !== undefined) settings.become = spec.become;
  if (spec.proxyJump !== undefined) settings.proxyJump = spec.proxyJump;
  if (spec.connectTimeout !== undefined) settings.connectTimeoutMs = ms(spec.connectTimeout);
  return settings;
}

/** The host's settings over its group's; undefined when neither sets anything. */
export function hostSsh(
  group: SshOverridesSpec | undefined,
  host: SshOverridesSpec | undefined,
  path: (written: string) => string,
): HostSsh | undefined {
  const result: HostSsh = { settings: {}, from: {} };
  for (const [origin, spec] of [
    ['group', group],
    ['host', host],
  ] as const) {
    if (spec === undefined) continue;
    const settings = sshOverrides(spec, path);
    Object.assign(result.settings, settings);
    for (const key of Object.keys(settings) as Array<keyof SshOverrides>) result.from[key] = origin;
  }
  return Object.keys(result.settings).length === 0 ? undefined : result;
}

function haproxyTarget(name: string, spec: LoadBalancerSpec): HaproxyTarget {
  return {
    name,
    type: spec.type,
    endpoint: parseSocket(spec.socket),
    backend: spec.backend,
    maxConnections: spec.maxConnections,
  };
}

/** `loadBalancers.<lb>.socket` (valid by the schema) as the endpoint it names. */
export function parseSocket(socket: string): HaproxyTarget['endpoint'] {
  const tcp = /^tcp:\/\/([^\s:/]+):(\d+)$/.exec(socket);
  if (tcp) return { host: tcp[1] ?? '', port: Number(tcp[2]) };
  const ssh = /^ssh:\/\/(?:([^@/]+)@)?(\[[^\]]+\]|[^:/[\]]+)(?::(\d+))?(\/.*)$/.exec(socket);
  if (!ssh) return { path: socket };
  const [, user, host = '', port, path = ''] = ssh;
  return {
    ssh: {
      host: host.replace(/^\[(.*)\]$/, '$1'),
      ...(port === undefined ? {} : { port: Number(port) }),
      ...(user === undefined ? {} : { user }),
    },
    path,
  };
}

function healthCheck(check: HealthCheckSpec): HealthCheckTarget {
  if (check.http) {
    const { url, status, bodyContains, timeout } = check.http;
    return { kind: 'http', url, status, bodyContains, timeoutMs: ms(timeout) };
  }
  if (check.tcp) return { kind: 'tcp', port: check.tcp.port, timeoutMs: ms(check.tcp.timeout) };
  if (check.command) {
    const { argv, exitCode, stdoutContains, timeout } = check.command;
    return { kind: 'command', argv: [...argv], exitCode, stdoutContains, timeoutMs: ms(timeout) };
  }
  throw new Error('bug: a validated health check has no kind');
}

function pausePolicy(pause: string): PausePolicy {
  if (pause === 'approve') return { kind: 'approve' };
  if (pause === 'none') return { kind: 'none' };
  return { kind: 'timed', ms: ms(pause) };
}

function ms(duration: string): number {
  const value = parseDuration(duration);
  if (value === undefined) throw new Error(`bug: "${duration}" passed validation but is not a duration`);
  return value;
}

function quantity(value: number | string): Quantity {
  const parsed = parseQuantity(value);
  if (!parsed) throw new Error(`bug: ${JSON.stringify(value)} passed validation but is not a quantity`);
  return parsed;
}
