// Link libmpdec.so.3 by its file name: Debian bullseye (the stand-in build
// image) ships it, this host does not, so the repair must copy it out of the
// container. It is not on any manylinux allow-list, so it must be bundled.
fn main() {
    println!("cargo:rustc-link-lib=dylib:+verbatim=libmpdec.so.3");
}
