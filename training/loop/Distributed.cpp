#include "training/loop/Distributed.h"

#include <torch/torch.h>
#include <torch/version.h>

#if defined(SEM_HAVE_GLOO) || defined(SEM_HAVE_NCCL)
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif
#ifdef SEM_HAVE_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#ifdef SEM_HAVE_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <chrono>
#include <cstdlib>

#include "core/common/Error.h"

namespace sem::training {

#if defined(SEM_HAVE_GLOO) || defined(SEM_HAVE_NCCL)
// LibTorch 2.x made the process groups of one backend a c10d::Backend; 1.13 has c10d::ProcessGroup.
#if TORCH_VERSION_MAJOR >= 2
using GroupBase = c10d::Backend;
#else
using GroupBase = c10d::ProcessGroup;
#endif

struct Distributed::Group {
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<GroupBase> group;
    std::string backend;
    torch::Device device{torch::kCPU};  // where the helper tensors of the collectives live

    void run(const c10::intrusive_ptr<c10d::Work>& work) { work->wait(); }
};

namespace {

constexpr std::chrono::seconds kTimeout{600};

bool isLoopback(const std::string& address)
{
    return address == "localhost" || address.rfind("127.", 0) == 0 || address == "::1";
}

// The rendezvous store. LibTorch 2.4 and later ask for TCPStore's libuv backend by default, which a
// LibTorch built without libuv (Debian's, the Windows builds) refuses before it opens any socket
// ("use_libuv was requested but PyTorch was build without libuv support"): then the classic backend,
// as torch.distributed's USE_LIBUV=0 asks for, which is also honoured here.
c10::intrusive_ptr<c10d::Store> openStore(const std::string& address, c10d::TCPStoreOptions options)
{
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
    if (const char* v = std::getenv("USE_LIBUV"); v && std::string(v) == "0")
        options.useLibUV = false;
    if (options.useLibUV) {
        try {
            return c10::make_intrusive<c10d::TCPStore>(address, options);
        } catch (const c10::Error& e) {
            if (std::string(e.what()).find("without libuv") == std::string::npos)
                throw;
            options.useLibUV = false;
        }
    }
#endif
    return c10::make_intrusive<c10d::TCPStore>(address, options);
}

}  // namespace

Distributed::Distributed(const DistributedEnv& env, bool cuda) : env_(env)
{
    if (!env_.active())
        return;
    group_ = std::make_unique<Group>();
    try {
        c10d::TCPStoreOptions options;
        options.port = static_cast<std::uint16_t>(env_.masterPort);
        options.isServer = env_.rank == 0;
        options.numWorkers = static_cast<std::size_t>(env_.worldSize);
        options.waitWorkers = true;
        options.timeout = kTimeout;
        group_->store = openStore(env_.masterAddress, options);
#ifdef SEM_HAVE_NCCL
        if (cuda) {
            group_->device = torch::Device(torch::kCUDA, static_cast<torch::DeviceIndex>(env_.localRank));
            group_->group = c10::make_intrusive<c10d::ProcessGroupNCCL>(group_->store, env_.rank, env_.worldSize);
            group_->backend = "nccl";
            return;
        }
#endif
        (void)cuda;
#ifdef SEM_HAVE_GLOO
        auto gloo = c10d::ProcessGroupGloo::Options::create(kTimeout);
        // As torch.distributed does: GLOO_SOCKET_IFNAME names the interface; otherwise the loopback
        // device when rank 0 is on this machine's loopback, else the address of this host's name.
        if (const char* interface = std::getenv("GLOO_SOCKET_IFNAME"); interface && *interface)
            gloo->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(interface));
        else if (isLoopback(env_.masterAddress))
            gloo->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
        else
            gloo->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
        group_->group = c10::make_intrusive<c10d::ProcessGroupGloo>(group_->store, env_.rank, env_.worldSize, gloo);
        group_->backend = "gloo";
#else
        throw Error("distributed: this build has no Gloo process group (LibTorch without c10d Gloo headers).");
#endif
    } catch (const c10::Error& e) {
        throw Error("distributed: rank " + std::to_string(env_.rank) + " cannot join " + env_.masterAddress + ":" +
                    std::to_string(env_.masterPort) + " (" + e.what_without_backtrace() + ").");
    }
}

Distributed::~Distributed() = default;

std::string Distributed::backend() const
{
    return group_ ? group_->backend : "none";
}

void Distributed::averageGradients(const std::vector<at::Tensor>& parameters)
{
    if (!group_)
        return;
    torch::NoGradGuard noGrad;
    // Which gradients exist on which rank: a parameter no rank has a gradient for stays without one
    // (as in a single process), one that only some ranks have gets zeros on the others.
    const auto count = static_cast<std::int64_t>(parameters.size());
    std::vector<float> mine;
    for (const at::Tensor& p : parameters)
        mine.push_back(p.grad().defined() ? 1.0f : 0.0f);
    std::vector<torch::Tensor> flags{torch::tensor(mine, torch::kFloat).to(group_->device)};
    group_->run(group_->group->allreduce(flags));
    const torch::Tensor defined = flags[0].to(torch::kCPU).contiguous();
    const float* anyRank = defined.data_ptr<float>();
    std::vector<torch::Tensor> grads;
    for (std::int64_t i = 0; i < count; ++i) {
        if (anyRank[i] < 0.5f)
            continue;
        torch::Tensor p = parameters[static_cast<std::size_t>(i)];
        if (!p.grad().defined())
            p.mutable_grad() = torch::zeros_like(p);
        grads.push_back(p.grad());
    }
    if (grads.empty())
        return;
    std::vector<torch::Tensor> flat;
    for (const torch::Tensor& g : grads)
        flat.push_back(g.reshape({-1}));
    std::vector<torch::Tensor> buffer{torch::cat(flat)};  // one all-reduce for the whole model
    group_->run(group_->group->allreduce(buffer));
    buffer[0].div_(static_cast<double>(env_.worldSize));
    std::int64_t offset = 0;
    for (torch::Tensor& g : grads) {
        g.copy_(buffer[0].narrow(0, offset, g.numel()).view(g.sizes()));
        offset += g.numel();
    }
}

void Distributed::broadcast(std::vector<at::Tensor>& tensors)
{
    if (!group_)
        return;
    torch::NoGradGuard noGrad;
    for (at::Tensor& t : tensors) {
        std::vector<torch::Tensor> one{t.contiguous()};
        group_->run(group_->group->broadcast(one));
        if (!one[0].is_same(t))
            t.copy_(one[0]);
    }
}

void Distributed::broadcast(std::vector<std::int64_t>& values)
{
    if (!group_)
        return;
    std::vector<torch::Tensor> t{torch::tensor(values, torch::kLong).to(group_->device)};
    group_->run(group_->group->broadcast(t));
    const torch::Tensor cpu = t[0].to(torch::kCPU);
    for (std::size_t i = 0; i < values.size(); ++i)
        values[i] = cpu[static_cast<std::int64_t>(i)].item<std::int64_t>();
}

void Distributed::broadcast(std::vector<char>& bytes)
{
    if (!group_)
        return;
    std::vector<std::int64_t> size{static_cast<std::int64_t>(bytes.size())};
    broadcast(size);
    bytes.resize(static_cast<std::size_t>(size[0]));
    if (bytes.empty())
        return;
    std::vector<torch::Tensor> t{
        torch::from_blob(bytes.data(), {size[0]}, torch::kUInt8).clone().to(group_->device)};
    group_->run(group_->group->broadcast(t));
    const torch::Tensor cpu = t[0].to(torch::kCPU).contiguous();
    std::copy_n(cpu.data_ptr<std::uint8_t>(), bytes.size(), reinterpret_cast<std::uint8_t*>(bytes.data()));
}

double Distributed::average(double value)
{
    if (!group_)
        return value;
    std::vector<torch::Tensor> t{torch::tensor({value}, torch::kDouble).to(group_->device)};
    group_->run(group_->group->allreduce(t));
    return t[0].item<double>() / env_.worldSize;
}

void Distributed::barrier()
{
    if (group_)
        group_->run(group_->group->barrier());
}

#else  // no c10d process group in this LibTorch build

struct Distributed::Group {};

Distributed::Distributed(const DistributedEnv& env, bool) : env_(env)
{
    if (env_.active())
        throw Error("distributed: this build has no torch.distributed (built without the c10d Gloo headers, "
                    "libgloo-dev); run with one process.");
}
Distributed::~Distributed() = default;
std::string Distributed::backend() const { return "none"; }
void Distributed::averageGradients(const std::vector<at::Tensor>&) {}
void Distributed::broadcast(std::vector<at::Tensor>&) {}
void Distributed::broadcast(std::vector<std::int64_t>&) {}
void Distributed::broadcast(std::vector<char>&) {}
double Distributed::average(double value) { return value; }
void Distributed::barrier() {}

#endif

}  // namespace sem::training
