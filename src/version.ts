/** Kept in step with package.json by a unit test. */
export const PACKAGE_NAME = 'agentmeter';
export const PACKAGE_VERSION = '0.1.0';
