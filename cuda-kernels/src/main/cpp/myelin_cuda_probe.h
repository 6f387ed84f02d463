// Asks the NVIDIA driver about the GPU without any CUDA library at build time: libcuda.so.1 (the driver API,
// installed with the driver) is opened with dlopen at run time, so this compiles with g++ alone, is part of
// every build, and reports "no driver" where there is none. Used before ND4J's CUDA backend starts, to refuse
// a GPU that backend cannot run on with a clear message (org.myelin.gpu), and by `myelin info`.
#ifndef MYELIN_CUDA_PROBE_H
#define MYELIN_CUDA_PROBE_H

#include <dlfcn.h>
#include <stddef.h>
#include <string.h>

// The driver API's types and the two attribute ids used (cuda.h, stable since CUDA 2.x / 4.x).
typedef int MyelinCUresult;
typedef int MyelinCUdevice;
enum { MYELIN_CC_MAJOR = 75, MYELIN_CC_MINOR = 76 };

// Writes the driver's error name for `result` into text (at most text_len bytes with the NUL).
inline void myelin_cuda_error_name(void* lib, MyelinCUresult result, char* text, int text_len) {
    typedef MyelinCUresult (*GetErrorName)(MyelinCUresult, const char**);
    GetErrorName get_error_name = (GetErrorName) dlsym(lib, "cuGetErrorName");
    const char* name = NULL;
    if (get_error_name == NULL || get_error_name(result, &name) != 0 || name == NULL) {
        name = "CUDA_ERROR (unnamed)";
    }
    strncpy(text, name, (size_t) text_len - 1);
    text[text_len - 1] = '\0';
}

// Queries device `ordinal`. info receives {device count, compute capability major, minor, total memory in bytes,
// driver version (1000 * major + 10 * minor)}; text (text_len bytes) the device name, or on failure the reason.
// Returns 0 (a device count of 0 means no GPU), -1 when libcuda.so.1 cannot be loaded (no driver), -2 when a
// driver function is missing, or the failing call's CUresult (> 0; text names it, e.g. CUDA_ERROR_NO_DEVICE).
inline int myelin_cuda_probe(int ordinal, char* text, int text_len, long long* info) {
    for (int i = 0; i < 5; i++) {
        info[i] = 0;
    }
    text[0] = '\0';
    void* lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        const char* why = dlerror();
        strncpy(text, why != NULL ? why : "libcuda.so.1 not found", (size_t) text_len - 1);
        text[text_len - 1] = '\0';
        return -1;
    }
    typedef MyelinCUresult (*Init)(unsigned int);
    typedef MyelinCUresult (*IntOut)(int*);
    typedef MyelinCUresult (*DeviceGet)(MyelinCUdevice*, int);
    typedef MyelinCUresult (*GetName)(char*, int, MyelinCUdevice);
    typedef MyelinCUresult (*GetAttribute)(int*, int, MyelinCUdevice);
    typedef MyelinCUresult (*TotalMem)(size_t*, MyelinCUdevice);
    Init init = (Init) dlsym(lib, "cuInit");
    IntOut driver_version = (IntOut) dlsym(lib, "cuDriverGetVersion");
    IntOut device_count = (IntOut) dlsym(lib, "cuDeviceGetCount");
    DeviceGet device_get = (DeviceGet) dlsym(lib, "cuDeviceGet");
    GetName get_name = (GetName) dlsym(lib, "cuDeviceGetName");
    GetAttribute get_attribute = (GetAttribute) dlsym(lib, "cuDeviceGetAttribute");
    TotalMem total_mem = (TotalMem) dlsym(lib, "cuDeviceTotalMem_v2");
    if (!init || !driver_version || !device_count || !device_get || !get_name || !get_attribute || !total_mem) {
        strncpy(text, "libcuda.so.1 lacks a driver API function (driver older than CUDA 3.2?)", (size_t) text_len - 1);
        text[text_len - 1] = '\0';
        dlclose(lib);
        return -2;
    }
    int version = 0;
    int count = 0;
    MyelinCUresult rc = driver_version(&version);
    if (rc == 0) {
        info[4] = version;
        rc = init(0);
    }
    if (rc == 0) {
        rc = device_count(&count);
    }
    if (rc == 0) {
        info[0] = count;
    }
    if (rc == 0 && count > 0) {
        MyelinCUdevice device = 0;
        int major = 0;
        int minor = 0;
        size_t bytes = 0;
        rc = device_get(&device, ordinal);
        if (rc == 0) rc = get_attribute(&major, MYELIN_CC_MAJOR, device);
        if (rc == 0) rc = get_attribute(&minor, MYELIN_CC_MINOR, device);
        if (rc == 0) rc = total_mem(&bytes, device);
        if (rc == 0) rc = get_name(text, text_len, device);
        if (rc == 0) {
            info[1] = major;
            info[2] = minor;
            info[3] = (long long) bytes;
        }
    }
    if (rc != 0) {
        myelin_cuda_error_name(lib, rc, text, text_len);
    }
    // Not closed on success: the driver keeps its state for the CUDA backend that starts next.
    if (rc != 0) {
        dlclose(lib);
    }
    return rc;
}

// The driver's release, e.g. "550.54.15", from NVML (libnvidia-ml.so.1, installed with the driver) into text.
// Returns 0, -1 when NVML cannot be loaded or lacks a function, or NVML's error code (> 0).
inline int myelin_nvml_driver_release(char* text, int text_len) {
    text[0] = '\0';
    void* lib = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        return -1;
    }
    typedef int (*Call)(void);
    typedef int (*Version)(char*, unsigned int);
    Call init = (Call) dlsym(lib, "nvmlInit_v2");
    Version version = (Version) dlsym(lib, "nvmlSystemGetDriverVersion");
    Call shutdown = (Call) dlsym(lib, "nvmlShutdown");
    int rc = -1;
    if (init != NULL && version != NULL && shutdown != NULL) {
        rc = init();
        if (rc == 0) {
            rc = version(text, (unsigned int) text_len);
            shutdown();
        }
    }
    if (rc != 0) {
        text[0] = '\0';
    }
    dlclose(lib);
    return rc;
}

// 1 when the dynamic loader finds and loads the library `soname` (e.g. libcublas.so.11) with its dependencies on
// this system's library path, else 0 and the loader's reason in text. The library stays loaded (the CUDA backend
// that starts next loads it anyway).
inline int myelin_library_loads(const char* soname, char* text, int text_len) {
    text[0] = '\0';
    void* lib = dlopen(soname, RTLD_LAZY | RTLD_LOCAL);
    if (lib == NULL) {
        const char* why = dlerror();
        strncpy(text, why != NULL ? why : "not found", (size_t) text_len - 1);
        text[text_len - 1] = '\0';
        return 0;
    }
    return 1;
}

#endif  // MYELIN_CUDA_PROBE_H
