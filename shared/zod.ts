/**
 * zod for every schema of the platform: its `mini` API (functions and `.check(...)` instead of method
 * chains) with English messages, as the classic API sets them up (D84). The classic API attaches every
 * method to every schema, so a bundle carries all of zod (~98 KB minified) whatever it uses; with
 * `zod/mini` each function carries the parts its schemas use. Import it as `import * as z from
 * '<relative>/zod.js'`; `zod` itself is not imported anywhere else.
 */
import { en } from 'zod/locales';
import { config } from 'zod/mini';

config(en());

export * from 'zod/mini';
