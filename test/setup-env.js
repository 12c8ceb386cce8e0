// n8n-core writes its settings under N8N_USER_FOLDER (default ~/.n8n): keep it inside the project.
const path = require('node:path');
const fs = require('node:fs');

const userFolder = path.join(__dirname, '..', '.tmp', 'jest-n8n');
fs.mkdirSync(userFolder, { recursive: true });
process.env.N8N_USER_FOLDER = userFolder;
process.env.N8N_LOG_LEVEL = process.env.N8N_LOG_LEVEL || 'silent';
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
