// The container tests check that cargo's own message reaches the user.
compile_error!("pyts-build container test: this crate fails to compile on purpose");
