# Measurement script of docs/RESULTS.md "The default rate and the model's ladder" (issue 20), as run.
# Layout: /tmp/ladder/val = links to the 71 validation photos (make_val.py); /tmp/ladder/base = a copy
# of build/release/{bin,lib} at f9255a0 (no ladder fill); /tmp/ladder/final = the same at 0718f73 (with share/).
# Does raising the hint quality to fill the budget help? Fidelity roundtrip at targets, with fill (final) and without (base).
import json, os, subprocess, collections
val=sorted(os.listdir('/tmp/ladder/val'))
imgs=[val[int(k*len(val)/24)] for k in range(24)]
out=open('/tmp/ladder/fillpsnr.jsonl','a')
env=dict(os.environ,OMP_NUM_THREADS='1')
for im in imgs:
    for t in [0.02,0.03,0.05]:
        for name,semc in [('fill','/tmp/ladder/final/bin/semc'),('nofill','/tmp/ladder/base/bin/semc')]:
            r=subprocess.run(['nice','-n','10',semc,'roundtrip','/tmp/ladder/val/'+im,'-o','/tmp/ladder/fp.png','--model','/work/wt-ladder/models/default','--fidelity','--target-bpp',str(t),'--json'],capture_output=True,text=True,env=env)
            if r.returncode: continue
            j=json.loads(r.stdout)
            out.write(json.dumps(dict(image=im,t=t,v=name,bpp=j['bpp'],psnr=j['psnr'],niqe=j['niqe'],point=j['operating_point']['point']))+'\n'); out.flush()
