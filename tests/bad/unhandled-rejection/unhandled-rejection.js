export async function run() {
  Promise.reject(new Error("nobody handles this"));
  await new Promise((resolve) => setTimeout(resolve, 5));
  return 1;
}
