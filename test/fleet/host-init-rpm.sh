# Sourced by host-init.sh for an RPM host (FLAVOUR dnf or zypper), inside the
# host's own mount namespace, with $root, $flavour set. host.ts laid out $root.
#
# Debian's rpm keeps its database in ~/.rpmdb; an RPM distribution keeps it in
# /var/lib/rpm, and so does this host (a private, empty one: /etc/rpm holds the
# macro). dnf's state and locks (/var/cache/dnf, /var/lib/dnf), zypper's
# (/var/lib/zypp, /var/cache/zypp) and both tools' repository configuration
# (/etc/yum.repos.d, /etc/dnf, /etc/zypp) are the host's own as well.
# Mount points missing on the machine are created there, empty (mount needs
# them); the machine's own rpm, dnf and zypper never read them.
for dir in var/lib/rpm etc/rpm etc/yum.repos.d etc/dnf var/cache/dnf var/lib/dnf etc/zypp var/lib/zypp var/cache/zypp; do
  mkdir -p "/$dir"
  mount --bind "$root/$dir" "/$dir"
done
# zypper's lock is /run/zypp.pid, and sudo keeps its timestamps under /run:
# a private /run, with the directory sshd needs for privilege separation.
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/sshd /run/lock
# No apt on an RPM host: the machine's dpkg database is visible read-only, so a
# stray apt-get here fails instead of changing the machine.
mount --bind -o ro /var/lib/dpkg /var/lib/dpkg
mount -o remount,bind,ro /var/lib/dpkg
# On RHEL 8 and later `yum` is dnf under another name; Debian packages no yum.
# A dnf host gets the same: /usr/local/bin/yum -> dnf, in a private layer over
# the machine's /usr/local/bin.
if [ "$flavour" = dnf ]; then
  mount -t overlay overlay \
    -o "lowerdir=/usr/local/bin,upperdir=$root/usr-local-bin/upper,workdir=$root/usr-local-bin/work" /usr/local/bin
fi
rpm --initdb
