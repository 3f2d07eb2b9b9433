import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.js";
import { isValidRequirement, parseRequirement, validateRequirement } from "../../src/wheel/requirement.js";

describe("PEP 508 requirements", () => {
  it.each([
    "requests",
    "A",
    "requests>=2.8.1",
    "requests >= 2.8.1, == 2.8.*",
    "requests[security,tests]>=2.8.1,==2.8.*; python_version < '2.7'",
    "requests [ security , tests ] >= 2.8.1",
    "name (>=1.0,<2)",
    "name ( )",
    "name[]",
    "name; os_name == 'a' or os_name == 'b'",
    "name; os_name=='a'and os_name=='b'",
    "name; (os_name == 'a' or os_name == 'b') and python_version >= \"3.8\"",
    "name; ((sys_platform == 'linux'))",
    "name; 'linux' in sys_platform",
    "name; 'win' not in sys_platform",
    "name; extra == \"test\"",
    "name; platform_machine != 'x86_64' and implementation_name == 'cpython'",
    "name; python_full_version ~= '3.8.1'",
    "name; os.name == 'posix'",
    "pip @ https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee9982d4bbb3c72346a6de940a148ea686",
    "pip @ https://example.com/pip.whl ; python_version >= '3.8'",
    "name @ file:///tmp/x.whl",
    "name[extra] @ git+https://github.com/o/r.git@v1",
    "gidgethub[httpx]>4.0.0",
    "django>2.1; os_name != 'nt'",
    "pytest < 5.0.0",
    "x===anything-goes",
    "x ~= 1.4.5",
  ])("accepts %s", (s) => {
    expect(isValidRequirement(s)).toBe(true);
  });

  it("returns the parts", () => {
    expect(parseRequirement("Req[a, b] (>=1, <2) ; python_version>'3'")).toEqual({
      name: "Req",
      extras: ["a", "b"],
      specifier: ">=1,<2",
      marker: "python_version>'3'",
    });
    expect(parseRequirement("n @ https://h/x.whl ; extra == 'x'")).toEqual({
      name: "n",
      extras: [],
      specifier: "",
      url: "https://h/x.whl",
      marker: "extra == 'x'",
    });
  });

  it.each([
    ["", /it is empty/],
    ["-foo", /expected a project name/],
    ["foo-", /"foo-" is not a valid project name/],
    ["foo bar", /unexpected "bar"/],
    ["foo >=", /expected a version after '>='/],
    ["foo >= 1.0 <2", /expected ',' between version specifiers/],
    ["foo => 1.0", /expected a version comparison|unexpected/],
    ["foo >=1.0,", /expected a version comparison/],
    ["foo ~= 1", /at least two release numbers/],
    ["foo >= 1.0+local", /local version/],
    ["foo (>=1.0", /unclosed '\('/],
    ["foo[bar", /unclosed '\['|expected ',' or '\]'/],
    ["foo[bar,]", /expected an extra name/],
    ["foo[b@r]", /expected ',' or '\]'/],
    ["foo; ", /expected a marker/],
    ["foo; python_version", /expected a marker operator/],
    ["foo; python_version >= ", /expected a marker variable or a quoted string/],
    ["foo; python_version >= '3.8", /unterminated string/],
    ["foo; pyton_version >= '3.8'", /"pyton_version" is not a marker variable/],
    ["foo; python_version >= '3.8' and", /expected a marker variable/],
    ["foo; python_version >= '3.8' os_name == 'nt'", /after the marker/],
    ["foo; (python_version >= '3.8'", /unclosed '\(' in the marker/],
    ["foo; python_version = '3.8'", /expected a marker operator/],
    ["foo @", /expected a URL/],
    ["foo @ example.com/x", /not a URL with a scheme/],
    ["foo @ https:x", /no host/],
    ["foo @ https://h/x.whl; python_version > '3'", /put a space before ';'/],
    ["foo @ https://h/x.whl extra", /after the URL/],
    ["foo >=1.0 @ https://h/x", /expected ',' between|unexpected/],
  ])("rejects %j: %s", (s, why) => {
    expect(isValidRequirement(s)).toBe(false);
    expect(() => validateRequirement(s, "Requires-Dist")).toThrow(ValidationError);
    expect(() => validateRequirement(s, "Requires-Dist")).toThrow(why);
    expect(() => validateRequirement(s, "Requires-Dist")).toThrow(/Requires-Dist .* \(at column \d+\)/);
  });

  it("points at the offending column", () => {
    expect(() => validateRequirement("foo; pyton_version >= '3'")).toThrow(/at column 6\)/);
  });
});
