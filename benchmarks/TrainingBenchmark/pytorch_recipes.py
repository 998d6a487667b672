#!/usr/bin/env python3
"""The PyTorch side of the training benchmark: one recipe, one batch size, one thread count.

Each recipe is written as its tutorial writes it: an nn.Module, torch.optim.Adam, nn.MSELoss, Gaussian input
noise for the denoisers (clipped for conv-denoise), per-image standardisation for cluster-mlp, loss.item() every
batch. Batches are slices of one float tensor (or an index_select with a shuffled order), as AeGrid's loop takes
them, so both sides time the same work: noise, forward, loss, backward, optimiser step.

Prints one JSON line: {"samples_per_s": ..., "epoch_seconds": [...], "rss_mb": [...]}, the rate of the last epoch.
Run by benchmarks/TrainingBenchmark with LD_LIBRARY_PATH pointing at OpenBLAS (openmp build).
"""
import argparse
import gzip
import json
import os
import time

import numpy as np
import torch
from torch import nn


def read_images(directory, count):
    with gzip.open(os.path.join(directory, "train-images-idx3-ubyte.gz"), "rb") as f:
        data = f.read()
    pixels = np.frombuffer(data, dtype=np.uint8, offset=16).reshape(-1, 784)[:count]
    return torch.from_numpy(pixels.astype(np.float32) / 255.0)


class Linear(nn.Module):
    def __init__(self, d=32):
        super().__init__()
        self.encoder = nn.Linear(784, d)
        self.decoder = nn.Linear(d, 784)

    def forward(self, x):
        return torch.sigmoid(self.decoder(torch.relu(self.encoder(x))))


class DeepMlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                                     nn.Linear(64, 12), nn.ReLU(), nn.Linear(12, 3))
        self.decoder = nn.Sequential(nn.Linear(3, 12), nn.ReLU(), nn.Linear(12, 64), nn.ReLU(),
                                     nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 784), nn.Sigmoid())

    def forward(self, x):
        return self.decoder(self.encoder(x))


class DenoiseMlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(784, 256), nn.Sigmoid(), nn.Linear(256, 128), nn.Sigmoid())
        self.decoder = nn.Sequential(nn.Linear(128, 256), nn.Sigmoid(), nn.Linear(256, 784), nn.Sigmoid())

    def forward(self, x):
        return self.decoder(self.encoder(x))


class ConvDenoise(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 16, 3, padding=1)
        self.conv3 = nn.Conv2d(16, 8, 3, padding=1)
        self.pool = nn.MaxPool2d(2, 2)
        self.t_conv1 = nn.ConvTranspose2d(8, 8, 3, stride=2)
        self.t_conv2 = nn.ConvTranspose2d(8, 16, 2, stride=2)
        self.t_conv3 = nn.ConvTranspose2d(16, 32, 2, stride=2)
        self.conv_out = nn.Conv2d(32, 1, 3, padding=1)

    def forward(self, x):
        x = x.view(-1, 1, 28, 28)
        x = self.pool(torch.relu(self.conv1(x)))
        x = self.pool(torch.relu(self.conv2(x)))
        x = self.pool(torch.relu(self.conv3(x)))
        x = torch.relu(self.t_conv1(x))
        x = torch.relu(self.t_conv2(x))
        x = torch.relu(self.t_conv3(x))
        return torch.sigmoid(self.conv_out(x)).flatten(1)


class ClusterMlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 100), nn.ReLU())
        self.decoder = nn.Sequential(nn.Linear(100, 256), nn.ReLU(), nn.Linear(256, 784))

    def forward(self, x):
        return self.decoder(self.encoder(x))


def standardise(x):
    std, mean = torch.std_mean(x, dim=1, unbiased=False, keepdim=True)
    return (x - mean) / std.clamp_min(1e-6)


# name: (model, learning rate, noise factor, clip, shuffle, standardise)
RECIPES = {
    "linear": (Linear, 1e-3, 0.0, False, False, False),
    "deep-mlp": (DeepMlp, 5e-3, 0.0, False, True, False),
    "denoise-mlp": (DenoiseMlp, 0.01, 0.6, False, True, False),
    "conv-denoise": (ConvDenoise, 1e-3, 0.5, True, False, False),
    "cluster-mlp": (ClusterMlp, 0.01, 0.0, False, True, True),
}


def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--recipe", required=True, choices=sorted(RECIPES))
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--images", type=int, required=True)
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    make, lr, noise, clip, shuffle, standardised = RECIPES[args.recipe]
    images = read_images(args.data, args.images)
    model = make()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    criterion = nn.MSELoss()
    seconds, rss = [], []
    for _ in range(args.epochs):
        order = torch.randperm(len(images)) if shuffle else None
        start = time.perf_counter()
        for first in range(0, len(images), args.batch):
            clean = images[first:first + args.batch] if order is None else images[order[first:first + args.batch]]
            inputs = clean
            if noise > 0:
                inputs = clean + noise * torch.randn_like(clean)
                if clip:
                    inputs = inputs.clamp(0.0, 1.0)
            if standardised:
                inputs = standardise(inputs)
                target = standardise(clean)
            else:
                target = clean
            output = model(inputs)
            loss = criterion(output, target)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            loss.item()
        seconds.append(time.perf_counter() - start)
        rss.append(round(rss_mb(), 1))
    print(json.dumps({"samples_per_s": len(images) / seconds[-1], "epoch_seconds": seconds, "rss_mb": rss}))


if __name__ == "__main__":
    main()
