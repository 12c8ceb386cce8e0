// The tests are not part of the published package: they run on Node with the file system, the
// network, timers and test keys, which n8n's rules for community nodes rightly forbid in a node.
// `tsc -p tsconfig.test.json` type-checks them instead. ESLint reads this file for test/ when it
// looks up the config from each linted file, as `npm run lint` has it do
// (ESLINT_FLAGS=unstable_config_lookup_from_file; the default from ESLint 10 on). The package's
// own code is linted with n8n's config, unchanged, in ../eslint.config.mjs.
export default [{ ignores: ['**/*'] }];
