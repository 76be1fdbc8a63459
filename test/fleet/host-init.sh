#!/bin/sh
# The first process of a fleet host. unshare (see host.ts) started it in fresh,
# private mount and UTS namespaces; it gives the host its name and its own
# package state, then becomes the host's sshd. Arguments, never interpolated:
#   HOME NAME ADDRESS SSHD NODE SERVICE_JS FLAVOUR [INSTALL_VERSION]  (SERVICE_JS may be empty)
# FLAVOUR is apt (a Debian host) or dnf / zypper (an RPM host: host-init-rpm.sh).
set -eu
home=$1 name=$2 address=$3 sshd=$4 node=$5 service=$6 flavour=$7 install_version=${8:-}
root=$home/root

hostname "$name"
# Private copies over the real machine's package state, apt configuration and
# /opt: apt-get on this host changes this host only. Mounts made here vanish
# with the namespace's last process.
#
# /var/lib/dpkg is a copy-on-write copy of the real one (overlayfs: instant,
# and the real one is only ever read); where overlayfs is unavailable (the fleet
# dir itself on overlayfs, say), a full copy made once per host.
overlay=$root/dpkg-overlay
if ! mount -t overlay overlay -o "lowerdir=/var/lib/dpkg,upperdir=$overlay/upper,workdir=$overlay/work" /var/lib/dpkg 2>/dev/null; then
  [ -f "$root/var/lib/dpkg/status" ] || cp -a /var/lib/dpkg/. "$root/var/lib/dpkg/"
  mount --bind "$root/var/lib/dpkg" /var/lib/dpkg
fi
for dir in var/lib/apt var/cache/apt etc/apt opt var/log; do
  mount --bind "$root/$dir" "/$dir"
done
if [ "$flavour" != apt ]; then
  # An RPM host: its own rpm database, dnf/zypper state and repositories.
  . "$(dirname "$0")/host-init-rpm.sh"
fi
# A real host resolves its own name; sudo warns "unable to resolve host" on
# every command otherwise. The machine's /etc/hosts plus this host, privately.
{ cat /etc/hosts; printf '%s %s\n' "$address" "$name"; } >"$root/etc/hosts"
mount --bind "$root/etc/hosts" /etc/hosts
# Root's home is the host's own, as on a VM: the machine's dotfiles (a
# ~/.bashrc that sshd's shell sources before every remote command) stay out.
[ -f "$root/root/.bashrc" ] || cp /etc/skel/.bashrc /etc/skel/.profile "$root/root/"
mount --bind "$root/root" /root

if [ -n "$install_version" ]; then
  case $flavour in
    apt)
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq --allow-downgrades "demo=$install_version"
      ;;
    # 0: pins epoch 0, which dnf would otherwise leave open (see src/adapters/packages/dnf.ts).
    dnf) dnf install -y -q "demo-0:$install_version" ;;
    zypper) zypper --non-interactive --quiet install --oldpackage "demo=0:$install_version" ;;
  esac
fi

# The service shares this namespace, so it sees this host's /opt/demo. An empty SERVICE_JS: the fleet's
# shared service answers for this host instead, reading its files through /proc/<sshd pid>/root.
if [ -n "$service" ]; then
  "$node" "$service" "$address" "$home" >>"$home/service.log" 2>&1 &
fi
exec "$sshd" -D -f "$home/sshd_config" -E "$home/sshd.log"
