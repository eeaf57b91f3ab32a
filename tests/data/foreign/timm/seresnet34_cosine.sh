# From huggingface/pytorch-image-models, hfdocs/source/training_script.mdx,
# commit 3034f27b81db0f6b2399688dd3cf309b1c4468e2 (the command line kept verbatim).
./distributed_train.sh 4 --data-dir /data/imagenet --model seresnet34 --sched cosine --epochs 150 --warmup-epochs 5 --lr 0.4 --reprob 0.5 --remode pixel --batch-size 256 --amp -j 4
