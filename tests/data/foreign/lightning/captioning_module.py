# The configure_optimizers of a public LightningModule, in the same shape (AdamW at the module's
# learning_rate, CosineAnnealingLR over self.trainer.estimated_stepping_batches with eta_min,
# stepped every optimizer step): umutdundar99/AlignTune-VLTransformer, aligntune/src/module.py,
# commit b362848f75a60420f1a752962d98064a75545754. lrplot reads it as data; never imported.
import lightning as L
import torch


class CaptioningModule(L.LightningModule):
    def __init__(self, learning_rate: float = 1e-5, weight_decay: float = 0.01):
        super().__init__()
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay

    def configure_optimizers(self):
        optimizer = torch.optim.AdamW(self.parameters(), lr=self.learning_rate,
                                      weight_decay=self.weight_decay)
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(
            optimizer, T_max=self.trainer.estimated_stepping_batches, eta_min=1e-6)
        return {"optimizer": optimizer,
                "lr_scheduler": {"scheduler": scheduler, "interval": "step"}}
