/* A minimal Node-API addon over native.c, for the standalone-node reference of bench/bindings.py:
 * what the same calls cost through node's stable C API. */
#include <node_api.h>
#include <stddef.h>
#include <stdint.h>

void noop(void);
int64_t add(int64_t a, int64_t b);
uint32_t checksum(const unsigned char* data, size_t size);

static napi_value Noop(napi_env env, napi_callback_info info) {
  (void)info;
  noop();
  napi_value undefined;
  napi_get_undefined(env, &undefined);
  return undefined;
}

static napi_value Add(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int64_t a = 0, b = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  napi_get_value_int64(env, argv[0], &a);
  napi_get_value_int64(env, argv[1], &b);
  napi_value result;
  napi_create_int64(env, add(a, b), &result);
  return result;
}

static napi_value Crc32(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void* data = NULL;
  size_t length = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  napi_get_typedarray_info(env, argv[0], NULL, &length, &data, NULL, NULL);
  napi_value result;
  napi_create_uint32(env, checksum(data, length), &result);
  return result;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"noop", NULL, Noop, NULL, NULL, NULL, napi_default, NULL},
      {"add", NULL, Add, NULL, NULL, NULL, napi_default, NULL},
      {"crc32", NULL, Crc32, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
