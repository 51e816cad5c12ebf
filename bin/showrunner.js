#!/usr/bin/env node
// Runs the built CLI (`npm run build` makes out/main/cli.js).
require('../out/main/cli.js');
