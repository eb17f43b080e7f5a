function down(n) { return down(n + 1) + 1; }
export function run() { return down(0); }
