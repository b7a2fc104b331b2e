/** Tenant text in the Markdown adopt writes is text, never structure (src/markdown.ts). */
import { markdownCode, markdownText } from "../../src/markdown";

describe("markdownText", () => {
  it("keeps plain names as they are", () => {
    expect(markdownText("Notify SIEM on login")).toBe("Notify SIEM on login");
    expect(markdownText("add-metadata-to-user-profile.js")).toBe("add-metadata-to-user-profile.js");
  });

  it.each([
    ["x\n# Injected", "x \\# Injected"],
    ["x\r\n## Injected\n---", "x \\#\\# Injected ---"],
    ["a\u2028# b", "a \\# b"],
    ["# heading", "\\# heading"],
    ["- item", "\\- item"],
    ["+ item", "\\+ item"],
    ["1. item", "1\\. item"],
    ["=====", "\\====="],
    ["[click](https://evil.example)", "\\[click\\]\\(https://evil.example\\)"],
    ["![img](x.png)", "\\!\\[img\\]\\(x.png\\)"],
    ["<img src=x onerror=alert(1)>", "\\<img src=x onerror=alert\\(1\\)\\>"],
    ["&lt;b&gt;", "\\&lt;b\\&gt;"],
    ["`code`", "\\`code\\`"],
    ["a | b | c", "a \\| b \\| c"],
    ["*bold* _em_ ~~strike~~", "\\*bold\\* \\_em\\_ \\~\\~strike\\~\\~"],
    ["back\\slash", "back\\\\slash"],
    ["$x$", "\\$x\\$"],
  ])("%j → %j", (input, output) => {
    expect(markdownText(input)).toBe(output);
  });

  it("never leaves a line break, so nothing can start a block", () => {
    expect(markdownText("a\nb\rc\u0085d\u2029e\u0000f")).toBe("a b c d e f");
  });
});

describe("markdownCode", () => {
  it("fences with more backticks than the text holds, on one line", () => {
    expect(markdownCode("SIEM_TOKEN")).toBe("`SIEM_TOKEN`");
    expect(markdownCode("a`b")).toBe("``a`b``");
    expect(markdownCode("`x")).toBe("`` `x ``");
    expect(markdownCode("a\n# b")).toBe("`a # b`");
  });
});
