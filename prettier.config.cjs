// OCA's prettier.config.cjs of the addons repo template for Odoo 18.0, as is.
// Run by `python3 tools/dev.py test` (layer 1) with the pins of tools/node/.
/** @type {import('prettier').Config} */

const config = {
  // https://github.com/prettier/prettier/issues/15388#issuecomment-1717746872
  plugins: [require.resolve("@prettier/plugin-xml")],
  bracketSpacing: false,
  printWidth: 88,
  proseWrap: "always",
  semi: true,
  trailingComma: "es5",
  xmlWhitespaceSensitivity: "preserve",
};

module.exports = config;
