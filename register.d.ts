// Side-effect entry point: starts agentmeter from the environment.
export {};
