/**
 * The files `lieutenant init` writes: an example inventory and playbook that
 * validate as they are (the test loads them with the real validator), with a
 * comment on every line a new user has to change.
 */

export const EXAMPLE_ENVIRONMENT = 'staging';
export const EXAMPLE_PLAYBOOK = 'web';

export const exampleInventory = `# yaml-language-server: $schema=../schema/inventory.schema.json
# An example: replace the hosts with yours, or write this file from an Ansible
# inventory with: lieutenant import ansible HOSTS --env ${EXAMPLE_ENVIRONMENT}
environment: ${EXAMPLE_ENVIRONMENT}            # must match the file name
ssh:
  user: root                    # or a user with passwordless sudo, and become: sudo
  port: 22
  knownHosts: ~/.ssh/known_hosts  # host keys are verified: ssh to each host once first
  hostKeyPolicy: strict         # strict | accept-new (pin an unknown key on first use)
  become: none                  # none | sudo
  # identityFile: ~/.ssh/id_ed25519   # without it, ssh-agent (SSH_AUTH_SOCK) is used
loadBalancers:
  edge:
    type: haproxy
    socket: /run/haproxy/admin.sock   # HAProxy's runtime API: a unix socket, or tcp://HOST:PORT
    backend: app
groups:
  web:
    packageManager: apt         # apt | dnf | yum | zypper
    loadBalancer: edge          # hosts are drained here before they change
    hosts:
      web-01: { address: 192.0.2.11 }   # the HAProxy server name defaults to the host name
      web-02: { address: 192.0.2.12 }
    health:
      - tcp: { port: 22 }
      # - http: { url: "http://{{host.address}}:8080/health", status: 200 }
# freeze:                       # windows in which no rollout starts (exit 5; rollbacks may)
#   - reason: no changes over the weekend
#     weekly: "Fri 16:00 - Mon 08:00"
#     timeZone: Europe/Berlin
`;

export const examplePlaybook = `# yaml-language-server: $schema=../schema/playbook.schema.json
rollout: ${EXAMPLE_PLAYBOOK}
inventory: ${EXAMPLE_ENVIRONMENT}              # inventories/${EXAMPLE_ENVIRONMENT}.yaml
description: An example; the versions of packages each group should have
targets:
  web:                          # a group of the inventory
    packages:
      nginx: "1.22.1-9"         # quote versions so YAML keeps them as written
strategy:
  batches: [1, "50%", "100%"]   # a canary host, then half, then the rest
  maxUnavailable: 1             # never more hosts of a group out of rotation
  pause: approve                # between batches: approve | none | a duration
  onFailure: rollback           # rollback | halt
health:
  timeout: 60s
`;

/** `.lieutenant/` holds this checkout's locks, journals and logs: never committed. */
export const gitignore = `.lieutenant/
`;
