// Imported first by the npm scripts: on a Node.js older than the supported one they stop at
// once, saying what is needed and how to get it, rather than failing later in a dependency.
const REQUIRED_MAJOR = 24;
const major = Number(process.versions.node.split('.')[0]);
if (major < REQUIRED_MAJOR) {
  process.stderr.write(
    `nest-commerce needs Node.js ${REQUIRED_MAJOR} LTS or later; this is Node.js ${process.versions.node}.\n` +
      `Install it with nvm (\`nvm install\` reads .nvmrc), from https://nodejs.org, or from the npm\n` +
      `registry: \`npm install -g node@${REQUIRED_MAJOR}\`. Then run the command again.\n`,
  );
  process.exit(1);
}
