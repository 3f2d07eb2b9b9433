# Sourced by .ci/run: what the container end-to-end tests (`pyts-build manylinux`)
# need on a fresh machine. Owned by the container work; .ci/run only calls it.

# Debian packages for a rootful podman that runs real containers here
# (see shared/notes/ENVIRONMENT.md); installed by .ci/run together with the rest.
CONTAINER_PACKAGES=(podman runc uidmap fuse-overlayfs slirp4netns debootstrap)

# Called once after the packages are installed and before the tests run, with
# `set -e` in force and its output going to the CI log (shown only on failure).
# PLACEHOLDER: the container work replaces this body (containers.conf,
# storage.conf, a local stand-in build image, exported variables for the tests).
ci_setup_containers() {
  :
}
