#!/bin/sh
# The first process of a fleet load balancer host. unshare (see lb-host.ts)
# started it in private mount and UTS namespaces; it mounts a tmpfs over the
# folder of HAProxy's admin socket — so the socket exists only inside this
# namespace, as on a real load balancer it exists only on that machine —,
# starts HAProxy, then becomes the host's sshd. Arguments, never interpolated:
#   HOME NAME SSHD HAPROXY
set -eu
home=$1 name=$2 sshd=$3 haproxy=$4

hostname "$name"
mount -t tmpfs -o mode=0755,size=1m "lb-$name" "$home/run"
# Root's home is the host's own (see host-init.sh).
mkdir -p "$home/root"
[ -f "$home/root/.bashrc" ] || cp /etc/skel/.bashrc /etc/skel/.profile "$home/root/"
mount --bind "$home/root" /root
"$haproxy" -f "$home/haproxy.cfg" -db >>"$home/haproxy.log" 2>&1 &
echo $! >"$home/run/haproxy.pid"
exec "$sshd" -D -f "$home/sshd_config" -E "$home/sshd.log"
