/**
 * A recording fake of the outside world for engine unit tests: hosts with
 * installed packages, one load balancer, health that follows the installed
 * version. Every operation is logged in order, and the world itself checks
 * the safety promises as it goes (an upgrade in rotation is recorded as a
 * violation, and so is more than `maxOut` servers out of rotation).
 */
import type { RunEvent } from '../events.js';
import type {
  AdminState,
  Approver,
  GateAnswer,
  HealthProbe,
  Journal,
  LoadBalancer,
  LoadBalancers,
  PackageManager,
  PackageManagers,
  RemoteShell,
  RemoteShells,
  ServerStatus,
  Versions,
} from '../ports.js';
import { fail, ok, okVoid } from '../../core/result.js';

export interface FakeWorldOptions {
  hosts: Record<string, Versions>;
  /** Versions the repositories have (default: any). */
  available?: string[];
  /** Versions that install but make the host unhealthy. */
  broken?: string[];
  /** Hosts whose SSH connection is refused. */
  unreachable?: string[];
  /** Hosts where `sudo -n` asks for a password. */
  noSudo?: string[];
  /** Cap the world checks continuously (a violation is recorded when exceeded). */
  maxOut?: number;
  /** Hosts whose backend fails the load balancer's own checks: ready, but DOWN and serving nothing. */
  down?: string[];
  /** The exit status of a command run on a host (default 0). */
  commandExit?: (host: string, argv: readonly string[]) => number;
  /** The journal fails (as on a full disk) from the first event this accepts on. */
  journalFailsAt?: (event: RunEvent) => boolean;
}

export class FakeWorld {
  readonly installed: Record<string, Versions>;
  /** host → package → unfinished state an interrupted install left (dpkg unpacked…), repaired by the next install. */
  readonly unsettled: Record<string, Record<string, string>> = {};
  readonly admin = new Map<string, AdminState>();
  /** Servers the load balancer's checks mark DOWN (see `sicken`). */
  readonly down: Set<string>;
  readonly log: string[] = [];
  readonly violations: string[] = [];
  readonly events: RunEvent[] = [];
  /** Every command run on a host, as `host: argv…` (with ` [out]` while it is out of rotation). */
  readonly commands: string[] = [];
  peakOut = 0;

  constructor(private readonly options: FakeWorldOptions) {
    this.installed = structuredClone(options.hosts);
    this.down = new Set(options.down ?? []);
    for (const host of Object.keys(options.hosts)) this.admin.set(host, 'ready');
  }

  /** Servers that serve no traffic: taken out (drain, maint) or DOWN by the load balancer's checks. */
  outOfRotation(): string[] {
    return [...this.admin].filter(([host, state]) => state !== 'ready' || this.down.has(host)).map(([host]) => host);
  }

  /** The load balancer's process id: a restart changes it. */
  lbPid = 1000;

  /** A restart without a server-state file: every server comes back ready, under a new process. */
  restartLoadBalancer(): void {
    for (const server of this.admin.keys()) this.admin.set(server, 'ready');
    this.lbPid += 1;
    this.log.push('lb restarted');
    this.checkCap();
  }

  /** The host's backend dies: the load balancer marks it DOWN, whatever its admin state. */
  sicken(server: string): void {
    this.down.add(server);
    this.log.push(`lb ${server} DOWN`);
    this.checkCap();
  }

  private setAdmin(server: string, state: AdminState): void {
    this.admin.set(server, state);
    this.log.push(`lb ${server} ${state}`);
    this.checkCap();
  }

  private checkCap(): void {
    const out = this.outOfRotation().length;
    this.peakOut = Math.max(this.peakOut, out);
    if (this.options.maxOut !== undefined && out > this.options.maxOut) {
      this.violations.push(`${out} out of rotation (max ${this.options.maxOut}): ${this.outOfRotation().join(', ')}`);
    }
  }

  shells(): RemoteShells {
    return {
      connect: async (host) => {
        if (this.options.unreachable?.includes(host.name))
          return fail(`${host.name} (${host.address}): connect ECONNREFUSED`);
        const refusesSudo = this.options.noSudo?.includes(host.name) ?? false;
        const shell: RemoteShell = {
          host: host.name,
          exec: async (argv, options) => {
            const out = this.outOfRotation().includes(host.name) ? ' [out]' : '';
            this.commands.push(`${host.name}: ${argv.join(' ')}${out}`);
            if (options?.privileged && refusesSudo)
              return ok({ code: 1, stdout: '', stderr: 'sudo: a password is required' });
            const code = this.options.commandExit?.(host.name, argv) ?? 0;
            return ok({ code, stdout: '', stderr: code === 0 ? '' : `exit ${code}` });
          },
        };
        return ok(shell);
      },
      closeAll: async () => undefined,
    };
  }

  packageManagers(): PackageManagers {
    const manager: PackageManager = {
      kind: 'apt',
      installed: async (shell, names) => {
        const have = this.installed[shell.host] ?? {};
        const unsettled = this.unsettled[shell.host] ?? {};
        return ok({
          versions: Object.fromEntries(names.map((name) => [name, have[name] ?? null])),
          unsettled: Object.fromEntries(names.flatMap((name) => (unsettled[name] ? [[name, unsettled[name]]] : []))),
        });
      },
      ensureAvailable: async (_shell, wanted) => {
        const missing = Object.entries(wanted).filter(
          ([, v]) => this.options.available && !this.options.available.includes(v),
        );
        return missing.length === 0
          ? okVoid
          : fail(`not in the repositories: ${missing.map(([n, v]) => `${n}=${v}`).join(', ')}`);
      },
      install: async (shell, wanted) => {
        if (this.admin.get(shell.host) !== 'maint')
          this.violations.push(`${shell.host} upgraded while ${this.admin.get(shell.host)}`);
        this.log.push(
          `install ${shell.host} ${Object.entries(wanted)
            .map(([n, v]) => `${n}=${v}`)
            .join(' ')}`,
        );
        Object.assign((this.installed[shell.host] ??= {}), wanted);
        delete this.unsettled[shell.host]; // the adapter repairs what an interrupted install left first
        return ok({ ...wanted });
      },
    };
    return { apt: manager, dnf: manager, yum: manager, zypper: manager };
  }

  loadBalancers(): LoadBalancers {
    const lb: LoadBalancer = {
      name: 'edge',
      verify: async (servers) => {
        const unknown = servers.filter((s) => !this.admin.has(s));
        return unknown.length === 0 ? okVoid : fail(`edge: no server ${unknown.join(', ')} in backend app`);
      },
      status: async (server) => ok(this.statusOf(server)),
      statuses: async () => ok(new Map([...this.admin.keys()].map((s) => [s, this.statusOf(s)]))),
      setState: async (server, state) => {
        this.setAdmin(server, state);
        return okVoid;
      },
      info: async () => ok({ pid: this.lbPid, startedAtMs: this.lbPid * 1_000, uptimeSec: 1, version: 'fake' }),
    };
    return { get: () => lb };
  }

  private statusOf(server: string): ServerStatus {
    const adminState = this.admin.get(server) ?? 'ready';
    const status =
      adminState === 'maint' ? 'MAINT' : adminState === 'drain' ? 'DRAIN' : this.down.has(server) ? 'DOWN' : 'UP';
    return { status, adminState, sessions: 0 };
  }

  probe(): HealthProbe {
    return {
      measure: async (_check, host) => {
        const versions = Object.values(this.installed[host.name] ?? {});
        const broken = versions.find((v) => v !== null && this.options.broken?.includes(v));
        return broken ? { phase: 'fail', reason: `HTTP 500 (wanted 200) on ${broken}` } : { phase: 'pass' };
      },
    };
  }

  journal(): Journal {
    let full = false;
    return {
      append: async (event) => {
        full ||= this.options.journalFailsAt?.(event) ?? false;
        if (full) throw new Error('cannot write .lieutenant/runs/run-1.jsonl: ENOSPC: no space left on device, write');
        this.events.push(event);
      },
    };
  }
}

/** An approver that answers every gate with the given answers, in order, and records the requests. */
export function scriptedApprover(answers: GateAnswer[]): Approver & { asked: number } {
  const approver = {
    asked: 0,
    await: async () => {
      const answer = answers[approver.asked++];
      if (!answer) throw new Error('scriptedApprover: asked more times than scripted');
      return answer;
    },
  };
  return approver;
}
