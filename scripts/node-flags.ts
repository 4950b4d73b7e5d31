// V8 heap limits for the service's processes. Without them V8 grows its heap lazily on a large
// machine (a worker reached ~400 MB RSS under load); with them it collects earlier, keeps the API
// and a worker near 175 MB each, and ran no slower in bench/pipeline. The same flags are written
// out in package.json (`serve`) and the Dockerfile.
export const SERVICE_NODE_FLAGS = ['--max-old-space-size=128', '--max-semi-space-size=8'];
