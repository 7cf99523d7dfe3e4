// Runs every browser test in one process with one Chromium (BrowserIT starts this with the node's URL).
import { after } from 'node:test';
import { closeBrowser } from './lib.mjs';
import './demo.test.mjs';
import './client.test.mjs';
import './auth.test.mjs';

after(closeBrowser);
