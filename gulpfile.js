const { src, dest, task } = require('gulp');

// tsc compiles the code; n8n also needs each node's and credential's icon beside the compiled file.
task('build:icons', () =>
	src(['nodes/**/*.svg', 'credentials/**/*.svg', 'icons/**/*.svg'], { base: '.' }).pipe(
		dest('dist'),
	),
);
