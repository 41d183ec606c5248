#!/usr/bin/env node
// The `ftz` bin: runs the operator command line (services/operator/main.ts) through tsx.
require("tsx/cjs/api").register();
require("../../services/operator/main.ts");
