// Calls into a plugin that segfaults (run with --plugin libduet_segfaults_plugin.so).
import { crash } from 'duet:crashy';

export function run() { crash(); return 1; }
