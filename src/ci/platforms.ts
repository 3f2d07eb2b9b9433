/** The platforms generate-ci knows; a leaf module so the CLI can name them without loading the generator. */
export type CiPlatform = "linux" | "musllinux" | "windows" | "macos";
export const CI_PLATFORMS: readonly CiPlatform[] = ["linux", "musllinux", "windows", "macos"];
