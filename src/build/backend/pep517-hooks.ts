/** The PEP 517/660 hooks the backend shim can ask for (a leaf module, so the CLI can list them without loading the build). */
export const HOOKS = ["build_wheel", "build_sdist", "build_editable", "prepare_metadata_for_build_wheel", "prepare_metadata_for_build_editable"] as const;
export type Hook = (typeof HOOKS)[number];
