using AeGrid.Grains.Placement;

namespace AeGrid.Grains.Tests.Sweeps;

/// <summary>The `device:` key: cuda | cpu | any, `any` when absent, anything else an error naming line and key.</summary>
public sealed class SweepDeviceTests
{
    [Theory]
    [InlineData("device: cuda\n", DeviceDemand.Cuda)]
    [InlineData("device: cpu\n", DeviceDemand.Cpu)]
    [InlineData("device: any\n", DeviceDemand.Any)]
    [InlineData("", DeviceDemand.Any)]
    public void The_device_is_read_and_defaults_to_any(string line, DeviceDemand expected) =>
        Assert.Equal(expected, SpecText.Parse($"name: x\narchitecture: linear\n{line}").Device);

    [Fact]
    public void An_unknown_device_names_its_line_key_and_the_choices()
    {
        var error = SpecText.Error("name: x\narchitecture: linear\ndevice: gpu\n", 3, "device", "expected any, cpu, cuda, got 'gpu'");
        Assert.Equal(9, error.Column);
        SpecText.Error("name: x\narchitecture: linear\ndevice: [cpu]\n", 3, "device", "expected text");
    }

    [Fact]
    public void Json_sweep_files_take_the_device_too() =>
        Assert.Equal(DeviceDemand.Cuda, SpecText.Parse("""{"name": "x", "architecture": "linear", "device": "cuda"}""", "x.json").Device);
}
