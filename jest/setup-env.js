// The AWS SDK warns once per process that its 2027 releases need Node 22;
// the lockfile pins today's releases, which support Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// Handler logs stay quiet in tests unless a test captures them on purpose.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
